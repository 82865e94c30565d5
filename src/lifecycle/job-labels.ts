import type { JobKind } from '../../domain/jobs/job-kinds.js';
import type { JobStatus } from '../../domain/jobs/job-rules.js';

/** The admin page's words for each job kind and status (French). */
export const JOB_KIND_LABELS: Readonly<Record<JobKind, string>> = {
  'account.open': 'ouverture du compte',
  'account.suspend': 'suspension du compte',
  'account.reactivate': 'réactivation du compte',
  'account.close': 'fermeture du compte',
  'vhost.mkdir': 'création du dossier du site',
  'files.delete': 'suppression des fichiers du site',
  'ftp.mkdir': 'création du dossier du compte FTP',
  'mail.purge': 'suppression des messages d’une boîte mail',
};

export const JOB_STATUS_LABELS: Readonly<Record<JobStatus, string>> = {
  pending: 'en attente',
  running: 'en cours',
  done: 'fait',
  failed: 'échec',
  cancelled: 'annulé',
  superseded: 'remplacé',
  skipped: 'sans script',
};
