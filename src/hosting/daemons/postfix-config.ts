import { mailboxGuard, POSTFIX_QUEUE_DIR, type MailServingPolicy } from './dovecot-config.js';
import { identifier } from './powerdns-config.js';

/**
 * Postfix's `mysql:` lookup tables on Gloux's `domaines`, `mails` and `mails_redirections`
 * (HOSTING.md b.3, verified): the domains whose mail is hosted here, the boxes Dovecot serves
 * (the same guard, so Postfix never accepts mail LMTP would refuse), and the aliases: each
 * redirection (with the source added back when Gloux's `garder_copie` is set on an address,
 * never on a catch-all `@domaine`), plus an identity row for every served box without a
 * redirection of its own, so that a catch-all never swallows a real box. A box with a deletion
 * pending is hidden from both: its mail is refused, or goes to the domain's catch-all.
 */

export interface PostfixSettings extends MailServingPolicy {
  readonly glouxDatabase: string;
  readonly mysqlHost: string;
  readonly mysqlPort: number;
  readonly mysqlUser: string;
  readonly mysqlPassword: string;
}

export interface PostfixMap {
  /** The file name, in the `postfix/` folder. */
  readonly name: 'domains.cf' | 'mailboxes.cf' | 'aliases.cf';
  readonly content: string;
}

/** The queries alone (`%s` is the looked-up key, escaped by Postfix). */
export function postfixQueries(policy: MailServingPolicy): Record<PostfixMap['name'], string> {
  const redirectionServed = policy.suspendedLosesMail
    ? `h.etat = 'actif'`
    : `h.etat IN ('actif', 'suspendu')`;
  return {
    // A closed hosting's domains are not ours any more; a suspended one's still are.
    'domains.cf':
      `SELECT d.domaine FROM domaines d JOIN hebergements h ON h.id_hebergement = d.id_hebergement ` +
      `WHERE d.domaine = '%s' AND d.gere_mx = 'O' AND h.etat IN ('actif', 'suspendu')`,
    // LMTP delivers (Dovecot owns the path): the value only says the box exists.
    'mailboxes.cf': `SELECT m.maildir ${mailboxGuard(policy, `m.adresse = '%s'`)}`,
    'aliases.cf':
      `SELECT CONCAT(r.destinations, IF(r.garder_copie = 1 AND LEFT(r.source, 1) <> '@', CONCAT(',', r.source), '')) ` +
      `FROM mails_redirections r JOIN hebergements h ON h.id_hebergement = r.id_hebergement ` +
      `WHERE r.source = '%s' AND r.actif = 'Y' AND ${redirectionServed} ` +
      `UNION ALL SELECT m.adresse ${mailboxGuard(policy, `m.adresse = '%s'`)} ` +
      `AND NOT EXISTS (SELECT 1 FROM mails_redirections r2 WHERE r2.source = m.adresse AND r2.actif = 'Y')`,
  };
}

function plainWord(value: string, what: string): string {
  if (!/^[A-Za-z0-9._:-]+$/.test(value)) throw new Error(`${what} must be one plain word`);
  return value;
}

/** The three `.cf` files `proxy:mysql:` reads. */
export function postfixMaps(s: PostfixSettings): readonly PostfixMap[] {
  identifier(s.glouxDatabase, 'glouxDatabase');
  const head = [
    `hosts = ${plainWord(s.mysqlHost, 'mysqlHost')}:${s.mysqlPort}`,
    `user = ${plainWord(s.mysqlUser, 'mysqlUser')}`,
    `password = ${plainWord(s.mysqlPassword, 'mysqlPassword')}`,
    `dbname = ${s.glouxDatabase}`,
  ];
  const queries = postfixQueries(s);
  return (Object.keys(queries) as PostfixMap['name'][]).map((name) => ({
    name,
    content: [
      `# Postfix ${name} on Gloux’s tables (rendered by gloux2 hosting:daemon-config).`,
      ...head,
      `query = ${queries[name]}`,
      '',
    ].join('\n'),
  }));
}

/**
 * postfix/main.cf: the lines to add to the real main.cf (`postconf -e`), and on their own a
 * configuration `postmap -c <folder>` runs with. Mail is handed to Dovecot's LMTP socket.
 */
export function postfixMainCf(mapsDir: string, lmtpSocket: string): string {
  const transport = lmtpSocket.startsWith(`${POSTFIX_QUEUE_DIR}/`)
    ? lmtpSocket.slice(POSTFIX_QUEUE_DIR.length + 1)
    : lmtpSocket;
  return [
    '# Postfix: the virtual domains, boxes and aliases from Gloux’s tables (rendered by gloux2',
    '# hosting:daemon-config). Add these lines to /etc/postfix/main.cf; on their own they are',
    '# enough for `postmap -c <this folder> -q <address> mysql:<this folder>/aliases.cf`.',
    'compatibility_level = 3.6',
    `virtual_mailbox_domains = proxy:mysql:${mapsDir}/domains.cf`,
    `virtual_mailbox_maps = proxy:mysql:${mapsDir}/mailboxes.cf`,
    `virtual_alias_maps = proxy:mysql:${mapsDir}/aliases.cf`,
    `virtual_transport = lmtp:unix:${transport}`,
    '',
  ].join('\n');
}
