/**
 * PowerDNS serving Gloux's MyDNS tables live (HOSTING.md b.4): MyDNS is gone from Debian 12,
 * and PowerDNS's generic MySQL backend reads two views over Gloux's `soa` and `rr`, kept in a
 * database of their own so that Gloux's stays unchanged. These functions render what an
 * operator installs (and what the tests start the daemon with).
 */

export interface PowerDnsSettings {
  /** Gloux's database, which holds `soa` and `rr`. */
  readonly glouxDatabase: string;
  /** The database of PowerDNS's own tables and of the two views. */
  readonly viewsDatabase: string;
  readonly mysqlHost: string;
  readonly mysqlPort: number;
  readonly mysqlUser: string;
  readonly mysqlPassword: string;
  readonly listenAddress: string;
  readonly listenPort: number;
  /** Where pdns_server puts its control socket (a directory of the operator's). */
  readonly socketDir: string;
}

const IDENTIFIER = /^[A-Za-z0-9_]{1,64}$/;

/** A MySQL identifier, backquoted, or an error naming `what` (never SQL text from outside). */
export function identifier(name: string, what: string): string {
  if (!IDENTIFIER.test(name))
    throw new Error(`${what} must be letters, digits or _ (1 to 64), not ${JSON.stringify(name)}`);
  return `\`${name}\``;
}

/**
 * The `domains` and `records` views PowerDNS's gmysql backend reads, over Gloux's `soa`/`rr`,
 * with MyDNS's own reading of the rows: an empty or dotless name or target gets the origin
 * (`mydns_rr_append_origin`), TXT is quoted, `soa.active = 'N'` is not served, `rr.active = 'N'`
 * is served as disabled. Run in the views database after PowerDNS's schema, whose `domains`
 * and `records` tables these replace.
 */
export function powerDnsViewsSql(glouxDatabase: string): string {
  const g = identifier(glouxDatabase, 'glouxDatabase');
  return `DROP TABLE IF EXISTS records;
DROP TABLE IF EXISTS domains;
CREATE OR REPLACE VIEW domains AS
  SELECT s.id, LOWER(TRIM(TRAILING '.' FROM s.origin)) AS name, NULL AS master,
         NULL AS last_check, 'NATIVE' AS type, NULL AS notified_serial, NULL AS account,
         NULL AS options, NULL AS catalog
    FROM ${g}.soa s WHERE s.active = 'Y';
CREATE OR REPLACE VIEW records AS
  SELECT 0 - CAST(s.id AS SIGNED) AS id, s.id AS domain_id,
         LOWER(TRIM(TRAILING '.' FROM s.origin)) AS name, 'SOA' AS type,
         CONCAT(IF(RIGHT(s.ns, 1) = '.', s.ns, CONCAT(s.ns, '.', s.origin)), ' ',
                IF(RIGHT(s.mbox, 1) = '.', s.mbox, CONCAT(s.mbox, '.', s.origin)), ' ',
                s.serial, ' ', s.refresh, ' ', s.retry, ' ', s.expire, ' ', s.minimum) AS content,
         GREATEST(s.ttl, s.minimum) AS ttl, 0 AS prio, 0 AS disabled, NULL AS ordername, 1 AS auth
    FROM ${g}.soa s WHERE s.active = 'Y'
  UNION ALL
  SELECT CAST(r.id AS SIGNED), r.zone,
         LOWER(TRIM(TRAILING '.' FROM IF(r.name = '', s.origin,
           IF(RIGHT(r.name, 1) = '.', r.name, CONCAT(r.name, '.', s.origin))))),
         r.type,
         CASE WHEN r.type IN ('CNAME', 'MX', 'NS', 'PTR')
                THEN IF(RIGHT(r.data, 1) = '.', r.data,
                        CONCAT(IF(r.data = '', '', CONCAT(r.data, '.')), s.origin))
              WHEN r.type = 'SRV'
                THEN IF(RIGHT(r.data, 1) = '.', r.data, CONCAT(r.data, '.', s.origin))
              WHEN r.type = 'TXT'
                THEN CONCAT('"', REPLACE(REPLACE(CONVERT(r.data USING latin1), '\\\\', '\\\\\\\\'), '"', '\\\\"'), '"')
              ELSE CONVERT(r.data USING latin1) END,
         r.ttl, IF(r.type IN ('MX', 'SRV'), r.aux, 0), IF(r.active = 'Y', 0, 1), NULL, 1
    FROM ${g}.rr r JOIN ${g}.soa s ON s.id = r.zone
   WHERE s.active = 'Y' AND r.active IN ('Y', 'N');
`;
}

/** pdns.conf: the gmysql backend on the views, no caches (a committed row is answered at once). */
export function powerDnsConf(s: PowerDnsSettings): string {
  identifier(s.viewsDatabase, 'viewsDatabase');
  const line = (key: string, value: string | number) => {
    if (/[\n\r]/.test(String(value))) throw new Error(`${key} must be one line`);
    return `${key}=${value}`;
  };
  return [
    'launch=gmysql',
    line('gmysql-host', s.mysqlHost),
    line('gmysql-port', s.mysqlPort),
    line('gmysql-dbname', s.viewsDatabase),
    line('gmysql-user', s.mysqlUser),
    line('gmysql-password', s.mysqlPassword),
    'gmysql-dnssec=no',
    line('local-address', s.listenAddress),
    line('local-port', s.listenPort),
    line('socket-dir', s.socketDir),
    'daemon=no',
    'guardian=no',
    'cache-ttl=0',
    'negquery-cache-ttl=0',
    'query-cache-ttl=0',
    'zone-cache-refresh-interval=0',
    '',
  ].join('\n');
}
