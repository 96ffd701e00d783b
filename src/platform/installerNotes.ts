// The development notes earlier installs shipped in texts users read (issue 17 §4): a docs/domain/ path, DOMAIN, an
// issue number, a confidence tag ([M], [V], [P], with a remark such as [M 文号待核] or [V/P], or [公开文件]). No person
// writes these, so a stored text carrying one is the installer's, and the next install may replace it with the shipped
// plain text (list types' 认定依据, the checklist's 依据, measures' 出处说明) while leaving what staff wrote alone.

/** A PostgreSQL regular expression (`text ~ pattern`) for such a note; the same syntax reads in JavaScript. */
export const INSTALLER_NOTE_PATTERN = 'docs/domain/|DOMAIN|issue [0-9]|\\[[MVP][] /]|\\[公开文件\\]';
