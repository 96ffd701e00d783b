// Portal sections: the header navigation and the home page's shortcut tiles.
export interface PortalSection {
  key: string;
  label: string;
  path: string;
  /** One line for the home page tile. */
  hint: string;
}

export const PORTAL_NAV: readonly PortalSection[] = [
  { key: 'home', label: '首页', path: '/', hint: '' },
  { key: 'sgs', label: '双公示', path: '/sgs', hint: '行政许可、行政处罚信息公示' },
  { key: 'lists', label: '红黑名单', path: '/lists', hint: '守信激励与失信惩戒名单' },
  { key: 'sanction-cases', label: '联合奖惩案例', path: '/sanction-cases', hint: '守信联合激励和失信联合惩戒典型案例' },
  { key: 'policies', label: '信用制度', path: '/policies', hint: '社会信用体系建设政策法规' },
  { key: 'credit-events', label: '信用事件', path: '/credit-events', hint: '优良和不良信用事件公开' },
  { key: 'code-conversions', label: '代码转换', path: '/code-conversions', hint: '统一社会信用代码转换公示' },
  { key: 'repair', label: '信用修复', path: '/repair', hint: '失信信息信用修复办理' },
  { key: 'objection', label: '异议申诉', path: '/objection', hint: '对公示信息提出异议' },
  { key: 'commitments', label: '信用承诺', path: '/commitments', hint: '信用承诺公示与主动承诺' },
  { key: 'verify', label: '信用报告核验', path: '/verify', hint: '核验公共信用信息报告真伪' },
];

export interface ExternalLink {
  label: string;
  href: string;
}

// Parent and national platforms, as linked from the Xining portal's footer.
export const FOOTER_LINKS: readonly ExternalLink[] = [
  { label: '信用中国', href: 'https://www.creditchina.gov.cn/' },
  { label: '中国执行信息公开网', href: 'http://zxgk.court.gov.cn/' },
  { label: '国家企业信用信息公示系统', href: 'https://www.gsxt.gov.cn/' },
  { label: '信用青海', href: 'https://www.creditqh.gov.cn/' },
];
