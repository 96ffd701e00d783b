// Text of the 信用修复 and 异议申诉 entry pages: who may apply, with what, how it is handled and how
// long it takes, in plain Chinese (docs/domain/03-publicity.md §3.3 and §3.4). Online application is not open yet.
// Where national rules leave a time limit open, the text says so instead of inventing one.

export interface GuideStep {
  title: string;
  text: string;
}

export interface GuideSection {
  heading: string;
  /** Paragraphs or list items. */
  items: string[];
  /** Numbered (conditions that must all hold) rather than bulleted. */
  ordered?: boolean;
}

export interface Guide {
  key: 'repair' | 'objection';
  title: string;
  intro: string;
  sections: GuideSection[];
  steps: GuideStep[];
  /** Short notes under the steps (time limits, fees). */
  notes: string[];
}

export const GUIDES: Record<Guide['key'], Guide> = {
  repair: {
    key: 'repair',
    title: '信用修复',
    intro:
      '信用主体纠正失信行为、履行相关义务后，可以申请信用修复。修复后，相关失信信息终止公示（本平台及“信用中国”网站均不再公示），并停止共享和使用。信用修复不收取任何费用，任何机构以“有偿删除”等名义收费的均属违规。',
    sections: [
      {
        heading: '失信信息的公示期限',
        items: [
          '依据国家发展改革委《信用修复管理办法》（自 2026 年 4 月 1 日起施行），失信信息分为轻微、一般、严重三类：',
          '轻微失信信息（如以简易程序作出的行政处罚、警告、通报批评）原则上不公示；确需公示的，公示期最长 3 个月，履行法定义务后即可申请修复。',
          '一般失信信息（如较大数额罚款、没收非法财物）：最短公示期 3 个月，最长公示期 1 年。',
          '严重失信信息（如巨额罚款、吊销许可证件、限制从业）：最短公示期 1 年，最长公示期 3 年。',
          '公示期自行政处罚决定等文书作出之日起计算；达到最长公示期的，自动停止公示，无需申请。法律、行政法规另有规定的，从其规定。此前作出的决定适用的公示期限，以每条信息页面上的“公示说明”为准。',
        ],
      },
      {
        heading: '申请条件（须同时满足）',
        ordered: true,
        items: [
          '已达到最短公示期；',
          '已纠正失信行为，并已全部履行行政处罚决定等确定的法定义务；',
          '作出公开信用承诺，承诺所提交材料真实有效，并愿意承担违反承诺的责任；',
          '法律、法规规定的其他条件。',
        ],
      },
      {
        heading: '所需材料',
        items: [
          '已履行法定义务的证明材料，例如罚款缴纳凭证、整改完成证明等；',
          '信用修复承诺书。',
          '认定部门能够通过本部门系统直接核查的材料，无需重复提交。',
        ],
      },
    ],
    steps: [
      { title: '提出申请', text: '在本平台“在线申请信用修复”提交，或通过“信用中国”网站、政务服务大厅线下窗口办理。' },
      { title: '推送认定部门', text: '按照“谁认定、谁修复”的原则，申请推送至作出失信认定的部门。' },
      { title: '部门审核决定', text: '认定部门自收到申请之日起 3 个工作日内作出是否准予修复的决定。' },
      { title: '反馈结果', text: '自申请之日起 10 个工作日内反馈办理结果；准予修复的，终止公示并告知申请人。' },
    ],
    notes: [
      '案情复杂或需要核查的，办理时间可能相应延长，以认定部门告知为准。',
      '行政机关作出行政处罚决定时，同步送达《信用修复告知书》（“两书同达”），告知修复的条件和途径。',
    ],
  },
  objection: {
    key: 'objection',
    title: '异议申诉',
    intro:
      '信用主体认为本平台公示的信用信息存在错误、遗漏，或对公示期限、信用修复结果有异议的，可以提出异议申诉。核实期间，相关信息将标注“异议处理中”。',
    sections: [
      {
        heading: '可以提出异议的情形',
        items: [
          '公示信息与事实不符或存在错误；',
          '信息遗漏，或同一信息重复公示；',
          '依法不应公示的信息被公示；',
          '超过公示期限仍在公示；',
          '公示内容与认定部门作出的决定不一致；',
          '对公示期限或信用修复结果有异议。',
        ],
      },
      {
        heading: '所需材料',
        items: [
          '异议申诉申请，写明异议的信息和理由；',
          '证明材料，例如行政许可或行政处罚决定书、撤销决定、行政复议决定书或人民法院判决书等；',
          '《异议申诉信用承诺书》（法人和非法人组织须加盖公章）；',
          '申请人身份证明，委托他人办理的，另附授权委托书。',
        ],
      },
    ],
    steps: [
      { title: '提交申诉', text: '在本平台公示信息详情页点击“对本条信息提出异议申诉”在线提交，取得查询码；也可向“信用中国”网站或作出认定的部门提出。' },
      { title: '初步审查', text: '审查材料是否齐全，材料不全的一次性告知需要补正的内容。' },
      { title: '核实信息', text: '向报送信息的部门核实信息来源和内容。' },
      { title: '处理反馈', text: '信息确有错误的，予以更正或撤销公示；经核实无误的，说明理由，并将处理结果告知申请人。' },
    ],
    notes: ['初审一般在 2 个工作日内完成；认定部门核实后，信息确有错误的在 5 个工作日内更正或撤销（具体时限以本市公布的异议处理规程为准）。凭查询码和主体代码可在“异议申诉进度查询”中查看进度和结果。'],
  },
};
