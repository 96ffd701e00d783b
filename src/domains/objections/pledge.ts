// The 异议申诉信用承诺书 (docs/domain/03-publicity.md §3.4: each objection carries a commitment that what it
// says is true). Generated text: the portal shows it, the applicant confirms it, and the stored objection keeps
// the exact text confirmed.

/** The pledge for one objection, in Chinese. */
export function pledgeText(o: { subjectName: string | null; applicantName: string; day: string }): string {
  const subject = o.subjectName ?? '（信用主体）';
  return [
    '异议申诉信用承诺书',
    `本人${o.applicantName}，就${subject}的公共信用信息提出异议申诉，郑重承诺：`,
    '一、所提交的申诉理由、证明材料及联系方式真实、准确、完整，不存在虚假记载或隐瞒；',
    '二、不以异议申诉干扰信用信息的正常公示，不重复、恶意提出申诉；',
    '三、如有虚假，愿意承担由此产生的法律责任，并同意将失信行为记入信用记录。',
    `承诺人：${o.applicantName}，日期：${o.day}`,
  ].join('\n');
}
