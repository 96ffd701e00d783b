-- The measures shipped with the platform (issue 14 §4; docs/domain/04-joint-measures.md §4.1, §4.1b, §4.1a): the
-- verified example rows of the 2021 national basic list, the incentive measures of 国发〔2016〕33号, and one
-- local row resting on the verified 政府采购 list document. The full national lists were not retrieved: the
-- credit office enters the rest, each with its basis document. Which list types a shipped row applies to is
-- the city's reading of the row's targets ([M], editable by adding a new version).
INSERT INTO sanction_measures (code, version, name, class, kind, list_types, scenarios, legal_basis, basis_doc_no, implementing_dept, edition, source, status) VALUES
('QG2021-01', 1, '以欺骗、贿赂等不正当手段申请或取得涉及公共安全、人身健康的行政许可的，一定期限内不得再次申请该行政许可', 1, 'punishment',
  ARRAY['SPYPSX', 'AQSCSX'], ARRAY['行政审批'],
  '《中华人民共和国行政许可法》第七十八条、第七十九条', '中华人民共和国主席令第七号', '行政许可机关', '2021',
  '《全国失信惩戒措施基础清单（2021年版）》示例行（docs/domain/04-joint-measures.md §4.1b）', 'active'),
('QG2021-02', 1, '一定期限内限制参与依法必须进行招标的项目的投标活动', 1, 'punishment',
  ARRAY['QXNMGGZ'], ARRAY['招标投标'],
  '《中华人民共和国招标投标法》及《中华人民共和国招标投标法实施条例》', '中华人民共和国主席令第二十一号；国务院令第613号', '招标投标活动行政监督部门', '2021',
  '《全国失信惩戒措施基础清单（2021年版）》示例行（docs/domain/04-joint-measures.md §4.1b）', 'active'),
('DF-ZFCG-01', 1, '列入政府采购严重违法失信行为记录名单期间，依法限制参加政府采购活动', 1, 'punishment',
  ARRAY['ZFCGSX'], ARRAY['政府采购'],
  '《财政部办公厅关于报送政府采购严重违法失信行为信息记录的通知》', '财办库〔2014〕526号', '财政部门、采购人、采购代理机构', 'local',
  '政府采购严重违法失信行为记录名单的设定文件（docs/domain/04-joint-measures.md §4.1a）', 'active'),
('JL2016-01', 1, '行政审批“绿色通道”，容缺受理', 2, 'incentive',
  ARRAY['ANSRX', 'HGGJRZ', 'SHTZXY', 'CXDX'], ARRAY['行政审批'],
  '《国务院关于建立完善守信联合激励和失信联合惩戒制度加快推进社会诚信建设的指导意见》', '国发〔2016〕33号', '各行政审批部门', 'local',
  '守信激励措施（docs/domain/04-joint-measures.md §4.1）', 'active'),
('JL2016-02', 1, '在日常检查、专项检查中优化检查频次', 2, 'incentive',
  ARRAY['ANSRX', 'HGGJRZ', 'SHTZXY', 'CXDX'], ARRAY['其他'],
  '《国务院关于建立完善守信联合激励和失信联合惩戒制度加快推进社会诚信建设的指导意见》', '国发〔2016〕33号', '各监管部门', 'local',
  '守信激励措施（docs/domain/04-joint-measures.md §4.1）', 'active'),
('JL2016-03', 1, '在政府采购、招标投标、财政资金安排中依法依规降低市场交易成本', 2, 'incentive',
  ARRAY['ANSRX', 'HGGJRZ', 'SHTZXY', 'CXDX'], ARRAY['政府采购', '招标投标', '财政资金', '融资信贷'],
  '《国务院关于建立完善守信联合激励和失信联合惩戒制度加快推进社会诚信建设的指导意见》', '国发〔2016〕33号', '财政部门及相关行业主管部门', 'local',
  '守信激励措施（docs/domain/04-joint-measures.md §4.1）', 'active'),
('JL2016-04', 1, '在评优评先中同等条件下优先考虑，大力推介诚信市场主体', 2, 'incentive',
  ARRAY['ANSRX', 'HGGJRZ', 'SHTZXY', 'CXDX'], ARRAY['评优评先'],
  '《国务院关于建立完善守信联合激励和失信联合惩戒制度加快推进社会诚信建设的指导意见》', '国发〔2016〕33号', '各评选部门', 'local',
  '守信激励措施（docs/domain/04-joint-measures.md §4.1）', 'active');
