import type { LegacyHosting } from '../../../legacy-sync/legacy-hosting-inventory.js';
import type { HostingSection } from '../hosting-sections.js';
import type { MailUsagePages } from './mail-usage.pages.js';

/** The hosting page's line on its mail: the latest total, the estimate, the link to the page. */
export function mailUsageSection(pages: MailUsagePages): HostingSection {
  return {
    key: 'mailUsage',
    order: 60,
    title: 'Consommation du courrier',
    partial: 'hosting_mail_usage',
    read: (hosting: LegacyHosting) => pages.summary(hosting),
  };
}
