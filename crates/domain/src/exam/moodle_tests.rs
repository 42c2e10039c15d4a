//! Reading Moodle XML: each kind, problems by line, round trips through the writer.

use super::*;

/// Issue 12, finding 7: the lines of 200,000 questions are found in one pass (counting
/// from the start for each took minutes of CPU).
#[test]
fn question_lines_are_counted_in_one_pass() {
    let xml = "<question type=\"x\"/>\n".repeat(200_000);
    let lines = question_lines(&xml);
    assert_eq!(lines.len(), 200_000);
    assert_eq!(lines[0], 1);
    assert_eq!(lines[199_999], 200_000);
}

const SAMPLE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category">
    <category><text>$course$/top/焊接/安全</text></category>
  </question>
  <question type="multichoice">
    <name><text>电流</text></name>
    <questiontext format="html"><text><![CDATA[<p>焊接电流过大易产生&nbsp;<b>哪种</b>缺陷？</p>]]></text></questiontext>
    <generalfeedback format="html"><text>电流大熔池深。</text></generalfeedback>
    <defaultgrade>2.0000000</defaultgrade>
    <single>true</single>
    <answer fraction="100" format="html"><text>咬边</text></answer>
    <answer fraction="0" format="html"><text>未熔合</text></answer>
  </question>
  <question type="multichoice">
    <questiontext format="html"><text>防护用品有？</text></questiontext>
    <single>false</single>
    <answer fraction="50"><text>面罩</text></answer>
    <answer fraction="50"><text>手套</text></answer>
    <answer fraction="-100"><text>拖鞋</text></answer>
  </question>
  <question type="truefalse">
    <questiontext format="html"><text>动火作业需要审批。</text></questiontext>
    <answer fraction="100"><text>true</text></answer>
    <answer fraction="0"><text>false</text></answer>
  </question>
  <question type="shortanswer">
    <questiontext format="html"><text>CO2 焊的保护气是？</text></questiontext>
    <usecase>0</usecase>
    <answer fraction="100"><text>二氧化碳</text></answer>
    <answer fraction="100"><text>CO2</text></answer>
  </question>
  <question type="essay">
    <questiontext format="html"><text>简述预防焊接变形的措施。</text></questiontext>
    <defaultgrade>10</defaultgrade>
  </question>
</quiz>"#;

#[test]
fn a_moodle_bank_reads_and_round_trips() {
    let qs = parse_moodle_xml(SAMPLE).unwrap();
    assert_eq!(qs.len(), 5);
    assert_eq!(qs[0].question.stem, "焊接电流过大易产生 哪种缺陷？");
    assert_eq!(qs[0].category.as_deref(), Some("焊接/安全"));
    assert_eq!((qs[0].question.points, qs[0].line), (200, 6));
    assert_eq!(
        qs[1].question.key,
        AnswerKey::Choice {
            correct: vec![0, 1]
        }
    );
    assert_eq!(qs[2].question.key, AnswerKey::TrueFalse { correct: true });
    assert!(
        matches!(&qs[3].question.key, AnswerKey::FillIn { blanks, .. } if blanks[0] == vec!["二氧化碳", "CO2"])
    );
    assert_eq!(qs[4].question.kind, QuestionKind::ShortAnswer);
    let again = parse_moodle_xml(&write_moodle_xml(&qs)).unwrap();
    assert_eq!(
        again
            .iter()
            .map(|q| (&q.question, &q.category))
            .collect::<Vec<_>>(),
        qs.iter()
            .map(|q| (&q.question, &q.category))
            .collect::<Vec<_>>()
    );
}

#[test]
fn problems_name_the_line_of_their_question() {
    let bad = "<quiz>\n<question type=\"ddwtos\"><questiontext><text>1+1?</text></questiontext></question>\n<question type=\"multichoice\">\n<questiontext><text>只有一个选项</text></questiontext>\n<answer fraction=\"100\"><text>甲</text></answer>\n</question>\n</quiz>";
    let errors = parse_moodle_xml(bad).unwrap_err();
    let got: Vec<(usize, &str)> = errors.iter().map(|e| (e.row, e.code.as_str())).collect();
    assert_eq!(
        got,
        vec![(2, "unsupported_question_type"), (3, "options_count")]
    );
    assert_eq!(
        parse_moodle_xml("not xml at all <").unwrap_err()[0].code,
        "not_moodle_xml"
    );
}

#[test]
fn tags_survive_a_round_trip() {
    let question = Question {
        prompts: Vec::new(),
        parts: Vec::new(),
        kind: QuestionKind::TrueFalse,
        stem: "动火作业前必须办理动火证。".into(),
        options: vec![],
        key: AnswerKey::TrueFalse { correct: true },
        points: 100,
        difficulty: DEFAULT_DIFFICULTY,
        explanation: String::new(),
        tags: vec!["安全".into(), "动火".into()],
    };
    let xml = write_moodle_xml(&[ImportedQuestion {
        line: 1,
        category: None,
        title: String::new(),
        question: question.clone(),
        pictures: vec![],
    }]);
    let back = parse_moodle_xml(&xml).unwrap();
    assert_eq!(back[0].question.tags, question.tags);
    assert_eq!(
        super::super::question::parse_tags("tags", "焊接，安全、焊接；").unwrap(),
        vec!["焊接".to_owned(), "安全".to_owned()]
    );
    assert!(super::super::question::parse_tags("tags", &"长".repeat(31)).is_err());
}

#[test]
fn numerical_matching_and_cloze_read_and_round_trip() {
    let xml = r#"<quiz>
  <question type="numerical"><questiontext><text>板长？</text></questiontext>
    <answer fraction="100"><text>1500</text><tolerance>50</tolerance></answer>
    <answer fraction="50"><text>1500</text><tolerance>200</tolerance></answer>
    <answer fraction="0"><text>*</text></answer>
    <units><unit><multiplier>1</multiplier><unit_name>mm</unit_name></unit>
      <unit><multiplier>0.001</multiplier><unit_name>m</unit_name></unit></units></question>
  <question type="matching"><questiontext><text>连线</text></questiontext>
    <subquestion format="html"><text><![CDATA[<p>咬边</p>]]></text><answer><text>电流大</text></answer></subquestion>
    <subquestion><text>气孔</text><answer><text>受潮</text></answer></subquestion>
    <subquestion><text></text><answer><text>干扰项</text></answer></subquestion></question>
  <question type="cloze"><questiontext format="html"><text><![CDATA[<p>缩写{1:SA:=SMAW}，单位{2:MC:A~=V}</p>]]></text></questiontext></question>
  <question type="numerical"><questiontext><text>没有满分答案</text></questiontext>
    <answer fraction="50"><text>1</text></answer></question>
</quiz>"#;
    let errors = parse_moodle_xml(xml).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(
        (errors[0].row, errors[0].code.as_str()),
        (13, "numeric_without_full_answer")
    );
    let good = xml.replace(
        "<answer fraction=\"50\"><text>1</text>",
        "<answer fraction=\"100\"><text>1</text>",
    );
    let qs = parse_moodle_xml(&good).unwrap();
    assert!(
        matches!(&qs[0].question.key, AnswerKey::Numerical { answers, units } if answers.len() == 2 && units[1].multiplier == 1_000)
    );
    assert_eq!(qs[1].question.prompts, vec!["咬边", "气孔"]);
    assert_eq!(qs[1].question.options, vec!["电流大", "受潮", "干扰项"]);
    assert_eq!(qs[2].question.stem, "缩写{#1}，单位{#2}");
    assert_eq!(qs[2].question.parts[1].options, vec!["A", "V"]);
    let again = parse_moodle_xml(&write_moodle_xml(&qs)).unwrap();
    assert_eq!(
        again.iter().map(|q| &q.question).collect::<Vec<_>>(),
        qs.iter().map(|q| &q.question).collect::<Vec<_>>()
    );
}
