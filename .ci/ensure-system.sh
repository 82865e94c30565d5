#!/usr/bin/env bash
# Makes sure the system tools the test suite uses are here and running:
# MariaDB (integration tests), Debian's Chromium (browser tests), pdftotext (PDF tests) and
# LibreOffice Calc (soffice, reads the xlsx exports back), BIND's named-checkzone and PowerDNS (DNS zones),
# pure-ftpd-mysql (FTP accounts), Dovecot and Postfix (mail).
# Installs them with apt-get when missing (needs root); otherwise says how to.
set -euo pipefail

need_apt=()
command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] || need_apt+=(mariadb-server)
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
# chromium-l10n: French form widgets (dates read jj/mm/aaaa) in the browser tests and the guide's screenshots.
[ -f /usr/lib/chromium/locales/fr.pak ] || need_apt+=(chromium-l10n)
# pdftotext (poppler-utils): the tests read the text of the invoice PDFs.
command -v pdftotext >/dev/null 2>&1 || need_apt+=(poppler-utils)
# soffice (libreoffice-calc-nogui): the tests convert the xlsx exports to CSV and read the figures back.
command -v soffice >/dev/null 2>&1 || need_apt+=(libreoffice-calc-nogui)
# named-checkzone (bind9-utils): the tests check the DNS zone files gloux2 writes with BIND's own checker.
command -v named-checkzone >/dev/null 2>&1 || need_apt+=(bind9-utils)
# PowerDNS with its MySQL backend: the tests serve Gloux's MyDNS tables with it (never started
# as a system service: the tests start it on a loopback port and stop it by pid).
[ -x /usr/sbin/pdns_server ] || need_apt+=(pdns-server)
[ -f /usr/share/pdns-backend-mysql/schema/schema.mysql.sql ] || need_apt+=(pdns-backend-mysql)
# pure-ftpd with its MySQL auth: the tests serve Gloux's ftp table with it (started by the test
# from the files hosting:daemon-config renders, never as a system service).
[ -x /usr/sbin/pure-ftpd-mysql ] || need_apt+=(pure-ftpd-mysql)
# Dovecot (POP3, IMAP, LMTP, SQL auth) and Postfix with its mysql: maps: the mail tests log in to
# boxes made by gloux2 and look its redirections up with postmap (started by the tests only).
[ -x /usr/sbin/dovecot ] || need_apt+=(dovecot-core)
[ -x /usr/lib/dovecot/pop3 ] || need_apt+=(dovecot-pop3d)
[ -x /usr/lib/dovecot/imap ] || need_apt+=(dovecot-imapd)
[ -x /usr/lib/dovecot/lmtp ] || need_apt+=(dovecot-lmtpd)
[ -f /usr/lib/dovecot/modules/auth/libdriver_mysql.so ] || [ -f /usr/lib/dovecot/modules/libdriver_mysql.so ] || need_apt+=(dovecot-mysql)
[ -x /usr/sbin/postmap ] || need_apt+=(postfix)
[ -f /usr/lib/postfix/postfix-mysql.so ] || need_apt+=(postfix-mysql)

if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "ensure-system: installing ${need_apt[*]} with apt-get"
    apt-get update -qq
    # Install daemons without starting their system services (tests start their own): a
    # policy-rc.d refusing starts for the time of the install, if the machine has none.
    own_policy=0
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && own_policy=1
    fi
    # Postfix asks how it is used; "No configuration" leaves /etc/postfix alone (the tests use their own).
    if command -v debconf-set-selections >/dev/null 2>&1; then
      echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
    if [ "$own_policy" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
  else
    echo "ensure-system: missing ${need_apt[*]}. Install with: sudo apt-get install ${need_apt[*]}" >&2
    exit 1
  fi
fi

mariadb_up() {
  if command -v mariadb-admin >/dev/null 2>&1; then
    mariadb-admin --protocol=tcp -h 127.0.0.1 -P 3306 -uroot ping >/dev/null 2>&1
  else
    (exec 3<>/dev/tcp/127.0.0.1/3306) 2>/dev/null
  fi
}

if ! mariadb_up; then
  echo "ensure-system: starting MariaDB"
  mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null || true
  if [ ! -d /var/lib/mysql/mysql ] && command -v mariadb-install-db >/dev/null 2>&1; then
    mariadb-install-db --user=mysql >/dev/null
  fi
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql
  for _ in $(seq 1 60); do mariadb_up && break; sleep 0.5; done
  if ! mariadb_up; then
    echo "ensure-system: MariaDB does not answer on 127.0.0.1:3306 (start it: start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd)" >&2
    exit 1
  fi
fi

# The tests connect as root without a password over TCP, as on the project's machines.
if ! mariadb --protocol=tcp -h 127.0.0.1 -uroot -e 'SELECT 1' >/dev/null 2>&1; then
  mariadb -uroot -e "ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD(''); FLUSH PRIVILEGES;" 2>/dev/null || true
fi
echo "ensure-system: MariaDB up, Chromium at /usr/bin/chromium"
