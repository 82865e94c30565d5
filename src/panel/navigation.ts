/**
 * The panel's navigation, in one place: groups of links, each link shown only to the people
 * its route lets in (the access rule of the route it points to: `@Staff()` → 'staff', …).
 * A module adds its pages here; test/e2e/panel-walk.test.ts follows every link as each demo role
 * and fails on a refusal, so a `who` wider than its route's rule is caught.
 */

/** Who sees a link: the same words as the access decorators. */
export type NavAudience = 'signed_in' | 'cooperator' | 'staff' | 'admin';

export interface NavEntry {
  readonly label: string;
  readonly href: string;
  readonly who: NavAudience;
  /** A home, whose pages are listed beside it: current on itself only. */
  readonly exact?: boolean;
}

export interface NavGroup {
  readonly label: string;
  readonly entries: readonly NavEntry[];
}

export const NAVIGATION: readonly NavGroup[] = [
  {
    label: 'Mon compte',
    entries: [
      { label: 'Mes hébergements et factures', href: '/mon-compte', who: 'cooperator' },
      { label: 'Gérer mes hébergements', href: '/hebergements', who: 'cooperator' },
    ],
  },
  {
    label: 'Adhérents',
    entries: [
      { label: 'Liste des adhérents', href: '/admin/adherents', who: 'staff' },
      { label: 'Nouveaux comptes', href: '/admin/comptes/nouveaux', who: 'admin' },
      { label: 'Comptes suspendus', href: '/admin/comptes/suspendus', who: 'admin' },
      { label: 'Fermetures de comptes', href: '/admin/comptes/fermetures', who: 'admin' },
      { label: 'Parts sociales', href: '/admin/parts', who: 'admin' },
      { label: 'Assemblées générales', href: '/admin/ag', who: 'admin' },
    ],
  },
  {
    label: 'Hébergement',
    entries: [{ label: 'Tous les hébergements', href: '/admin/hebergements', who: 'staff' }],
  },
  {
    label: 'Trésorerie',
    entries: [
      { label: 'Accueil de la trésorerie', href: '/tresorerie', who: 'staff', exact: true },
      { label: 'Saisir un chèque', href: '/admin/cheques/nouveau', who: 'staff' },
      { label: 'Remises de chèques', href: '/tresorerie/remises', who: 'staff' },
      { label: 'Rapprochement bancaire', href: '/tresorerie/rapprochement', who: 'staff' },
      { label: 'Paiements par carte', href: '/tresorerie/cartes', who: 'staff' },
      { label: 'Anomalies de paiement par carte', href: '/tresorerie/anomalies-cb', who: 'staff' },
      { label: 'Factures échues impayées', href: '/tresorerie/impayes', who: 'staff' },
      { label: 'Encaissements', href: '/tresorerie/encaissements', who: 'staff' },
      { label: 'Chiffre d’affaires', href: '/tresorerie/chiffre-affaires', who: 'staff' },
      { label: 'Répartition par exercice', href: '/tresorerie/repartition', who: 'staff' },
      { label: 'TVA', href: '/tresorerie/tva', who: 'staff' },
      { label: 'Export FEC', href: '/tresorerie/fec', who: 'staff' },
      { label: 'Clôture de l’exercice', href: '/tresorerie/cloture', who: 'staff' },
    ],
  },
  {
    label: 'Administration',
    entries: [
      { label: 'Tableau de bord', href: '/admin', who: 'admin', exact: true },
      { label: 'Facturation', href: '/admin/facturation', who: 'admin' },
      { label: 'Catalogue', href: '/admin/catalogue', who: 'admin' },
      { label: 'Courriels', href: '/admin/courriels', who: 'admin' },
      { label: 'Provisionnement', href: '/admin/provisionnement', who: 'admin' },
      { label: 'Dépassements de quota', href: '/admin/depassements', who: 'admin' },
      { label: 'Erreurs du serveur', href: '/admin/erreurs', who: 'admin' },
      { label: 'Écarts avec Gloux', href: '/admin/derive', who: 'admin' },
    ],
  },
  // The French user guide, served at /aide by the guide's own module.
  { label: 'Aide', entries: [{ label: 'Aide', href: '/aide', who: 'signed_in' }] },
];

/** The layout's view of the signed-in user (viewUser in src/auth/auth-user.ts). */
export interface NavViewer {
  readonly admin: boolean;
  readonly staff: boolean;
  readonly cooperator: boolean;
}

export function sees(viewer: NavViewer, who: NavAudience): boolean {
  switch (who) {
    case 'signed_in':
      return true;
    case 'cooperator':
      return viewer.cooperator;
    case 'staff':
      return viewer.staff;
    case 'admin':
      return viewer.admin;
  }
}

/** A link is the current page's when the path is its own or below it (a home: its own only). */
const isCurrent = (e: NavEntry, path: string) =>
  path === e.href || (!e.exact && path.startsWith(`${e.href}/`));

/** The groups this viewer sees (empty groups left out), the current page's link marked. */
export function navigationFor(viewer: NavViewer | null, path: string) {
  if (!viewer) return [];
  return NAVIGATION.map((group) => {
    const entries = group.entries
      .filter((e) => sees(viewer, e.who))
      .map((e) => ({ ...e, current: isCurrent(e, path) }));
    return {
      label: group.label,
      entries,
      // One link alone needs no menu: the group's name is the link.
      single: entries.length === 1 ? entries[0] : null,
      current: entries.some((e) => e.current),
    };
  }).filter((g) => g.entries.length > 0);
}
