import { ConfigError, text, type Env } from './parse.js';

export const PANEL_CONFIG = Symbol('PANEL_CONFIG');

/** What the pages show of the cooperative itself. */
export interface PanelConfig {
  /** The name in every page's header and title (BRAND_NAME, default "Ouvaton"). */
  readonly brandName: string;
}

export function loadPanelConfig(env: Env): PanelConfig {
  const brandName = text(env, 'BRAND_NAME', 'Ouvaton');
  // One short line in the header: a paragraph or markup there is a mistake.
  if (brandName.length > 60 || /[<>\n\r]/.test(brandName))
    throw new ConfigError(
      'BRAND_NAME',
      'must be one line of at most 60 characters, without < or >',
    );
  return { brandName };
}
