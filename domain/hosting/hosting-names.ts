/**
 * The names Gloux keeps UNIQUE across the cooperative (HOSTING.md, "Names"): gloux2 claims each
 * in `g2_hosting_names` inside the command's transaction, after checking Gloux's own table, so
 * two commands can never both take one. Gloux's table and column for each kind are in
 * legacy-sync/legacy-hosting-inventory.ts (`nameTakenInGloux`).
 */
export type HostingNameKind =
  'domain' | 'ftp_login' | 'vhost' | 'mailbox' | 'database' | 'redirection';

/** The French sentence refusing a name already taken (by gloux2 or by Gloux). */
export function nameTakenMessage(kind: HostingNameKind, name: string): string {
  switch (kind) {
    case 'domain':
      return `Le domaine ${name} est déjà enregistré à Ouvaton (sur cet hébergement ou un autre).`;
    case 'ftp_login':
      return `L’identifiant FTP ${name} est déjà pris : choisissez-en un autre.`;
    case 'vhost':
      return `Le site ${name} existe déjà à Ouvaton.`;
    case 'mailbox':
      return `L’adresse ${name} existe déjà.`;
    case 'database':
      return `La base de données ${name} existe déjà.`;
    case 'redirection':
      return `Une redirection de ${name} existe déjà : modifiez-la plutôt.`;
  }
}
