//! The HTML report: snapshots of the examples' pages (pretty-printed, read as a reader would),
//! input that cannot break out of its text, a page that loads nothing, and charts whose
//! thresholds come from the rules that ran. The page in a real browser is checked by
//! `tests/browser/run.sh` (run by `.ci/run`).

mod common;

use common::{format_output, temp_file};

/// The elements the page may contain: anything else in it was made by input.
const ELEMENTS: &[&str] = &[
    "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "h4", "p", "span", "nav", "ol", "ul",
    "li", "a", "main", "section", "footer", "dl", "dt", "dd", "code", "pre", "mark", "strong", "small", "br", "div",
    "table", "colgroup", "col", "caption", "thead", "tbody", "tr", "th", "td", "svg", "defs", "pattern", "g", "rect",
    "line", "path", "text",
];

fn html(args: &[&str]) -> (i32, String) {
    let (status, out) = format_output("html", args);
    check_markup(&out);
    (status, out)
}

/// Every tag is one the page writes, with no event handler and nothing to load; every SVG
/// shape is closed (maud writes `rect …;` without an end tag, which nests what follows).
fn check_markup(page: &str) {
    assert!(page.starts_with("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"), "{page:.200}");
    assert!(page.contains(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'\">"
    ));
    let style_end = page.find("</style>").expect("a stylesheet");
    // In text and attribute values `<` and `>` are escaped: each `<` opens a tag.
    for tag in page[style_end..].split('<').skip(1) {
        let tag = &tag[..tag.find('>').unwrap_or_else(|| panic!("an unclosed tag: <{tag:.80}"))];
        let name = tag.trim_start_matches('/').split([' ', '/']).next().unwrap_or_default();
        assert!(ELEMENTS.contains(&name), "<{tag}> is not an element of the page");
        for attribute in tag.split(' ').skip(1) {
            let attribute_name = attribute.split('=').next().unwrap_or_default();
            assert!(!attribute_name.starts_with("on"), "an event handler: <{tag}>");
            if matches!(attribute_name, "src" | "srcset" | "xlink:href" | "action" | "data") {
                panic!("something to load: <{tag}>");
            }
        }
        if let Some(href) = tag.split(" href=\"").nth(1) {
            assert!(href.starts_with('#') || href.starts_with("https://"), "a link to {href}");
        }
    }
    for shape in ["svg", "g", "rect", "line", "path", "text", "pattern"] {
        let opened = page.matches(&format!("<{shape} ")).count() + page.matches(&format!("<{shape}>")).count();
        assert_eq!(opened, page.matches(&format!("</{shape}>")).count(), "<{shape}> opened and closed");
    }
    assert!(!page.contains("url(") || page.matches("url(").count() == page.matches("url(#hatch-unknown)").count());
}

/// The page with a line break before each block element (and the stylesheet left out), so
/// that a snapshot reads, and its diffs too. Text and `<pre>` hold only inline elements, so
/// nothing a reader sees is moved.
fn pretty(page: &str) -> String {
    const BLOCKS: &[&str] = &[
        "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "h4", "p", "nav", "ol", "ul", "li",
        "main", "section", "footer", "dl", "dt", "dd", "pre", "div", "table", "colgroup", "caption", "thead", "tbody",
        "tr", "th", "td", "svg", "g", "rect", "line", "path", "text",
    ];
    let (start, end) = (page.find("<style>").expect("a stylesheet"), page.find("</style>").expect("its end"));
    let page = format!("{}<style>/* style.css */{}", &page[..start], &page[end..]);
    let mut out = String::with_capacity(page.len() * 11 / 10);
    for (n, piece) in page.split('<').enumerate() {
        if n > 0 {
            let name = piece.split([' ', '>', '/']).next().unwrap_or_default();
            if BLOCKS.contains(&name) {
                out.push('\n');
            }
            out.push('<');
        }
        out.push_str(piece);
    }
    out
}

/// The number of charts (`<svg class="bar"`), of tables of shares, per file of the page.
fn charts(page: &str) -> usize {
    page.matches("<svg class=\"bar\"").count()
}

#[test]
fn magnets_2030() {
    let (status, out) = html(&["examples/magnets-2030.json"]);
    assert_eq!(status, 1);
    // Rare earths, boron, iron and all strategic materials together: a chart per stage.
    assert_eq!(charts(&out), 4 * 3);
    insta::assert_snapshot!(pretty(&out));
}

#[test]
fn battery_2025() {
    let (status, out) = html(&["examples/battery-2025.json"]);
    assert_eq!(status, 0);
    assert!(out.contains("<g class=\"mark pending\">"), "benchmarks from 2030 are dashed in 2025");
    insta::assert_snapshot!(pretty(&out));
}

#[test]
fn broken_meaning() {
    let (status, out) = html(&["examples/broken-meaning.json"]);
    assert_eq!(status, 2);
    assert_eq!(charts(&out), 0, "nothing was measured");
    assert!(out.contains("could not be checked"));
    insta::assert_snapshot!(pretty(&out));
}

#[test]
fn several_files() {
    let (status, out) = html(&["examples/compliant-2030.json", "examples/broken-format.json"]);
    assert_eq!(status, 2);
    assert!(out.contains("<nav class=\"toc\""), "a table of contents");
    insta::assert_snapshot!(pretty(&out));
}

#[test]
fn every_example_has_a_chart_per_material_and_stage() {
    for example in ["battery-2025", "compliant-2030", "magnets-2030"] {
        let path = format!("examples/{example}.json");
        let (_, json) = format_output("json", &[&path]);
        let json: serde_json::Value = serde_json::from_str(&json).expect("JSON");
        let file = &json["files"][0];
        let rows = file["shares"].as_array().expect("shares").len() + usize::from(!file["overall"].is_null());
        let (_, page) = html(&[&path]);
        assert_eq!(charts(&page), rows * 3, "{example}");
        // Each chart has a text alternative: role img, labelled by its title.
        assert_eq!(page.matches("role=\"img\" aria-labelledby=").count(), rows * 3, "{example}");
    }
}

const HOSTILE_RULES: &str = r#"{
  "version": 1,
  "rules": [
    {
      "id": "EVIL-01",
      "name": "evil-cap",
      "summary": "<script>alert(1)</script> in a summary",
      "legal_basis": "\"><img src=x onerror=alert(1)>",
      "url": "javascript:alert(1)",
      "severity": "error",
      "materials": "critical",
      "stages": ["processing"],
      "metric": "country-share",
      "max": 50,
      "message": "{country} <script>alert(1)</script> {value} of {material}",
      "help": "\"><img src=x onerror=alert(1)>"
    }
  ]
}"#;

const HOSTILE_PORTFOLIO: &str = r#"{
  "version": 1,
  "name": "<script>alert(1)</script> GmbH",
  "year": 2030,
  "supplies": [
    { "id": "<script>alert(1)</script>", "material": "cobalt", "amount": 100, "unit": "t",
      "supplier": "\"><img src=x onerror=alert(1)>",
      "origin": { "extraction": "CD", "processing": "CN" } }
  ],
  "waivers": [
    { "rule": "CRM004", "material": "cobalt", "stage": "extraction", "country": "CD",
      "reason": "\"><img src=x onerror=alert(1)> until the mine opens", "expires": "2099-12-31" }
  ]
}"#;

const HOSTILE_MATERIAL: &str = r#"{
  "version": 1,
  "name": "\"><img src=x onerror=alert(1)>",
  "year": 2030,
  "supplies": [
    { "material": "\"><img src=x onerror=alert(1)>", "amount": 1, "unit": "t" }
  ]
}"#;

#[test]
fn input_shows_as_text_and_never_as_markup() {
    let portfolio = temp_file("<b>hostile.json", HOSTILE_PORTFOLIO.as_bytes());
    let material = temp_file("hostile-material.json", HOSTILE_MATERIAL.as_bytes());
    let rules = temp_file("hostile-rules.json", HOSTILE_RULES.as_bytes());
    let (portfolio, material, rules) =
        (portfolio.display().to_string(), material.display().to_string(), rules.display().to_string());
    let (status, out) = html(&["--rules", &rules, &portfolio, &material]);
    assert_eq!(status, 2, "the second file cannot be checked");
    for raw in ["<script", "<img", "<b>"] {
        assert!(!out.contains(raw), "{raw} is in the page as markup");
    }
    let script = "&lt;script&gt;alert(1)&lt;/script&gt;";
    let img = "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;";
    // The portfolio's name, in the title and its heading; the supply id, in the excerpt and a
    // label; the supplier, in the excerpt (escaped as JSON text too).
    let (_, alone) = html(&["--rules", &rules, &portfolio]);
    assert!(alone.contains(&format!("<title>crma-check: {script} GmbH</title>")), "the name in the title");
    assert!(out.contains(&format!("{script} GmbH")), "the name");
    assert!(out.contains(&format!("{script}: 100 t")), "the id in a label");
    assert!(out.contains("\\&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"), "the supplier in an excerpt");
    // The waiver's reason, the rule's words and the message it fills in.
    assert!(out.contains(&format!("{img} until the mine opens")), "the waiver's reason");
    assert!(out.contains(&format!("{script} in a summary")), "the rule's summary");
    assert!(out.contains(&format!("China {script} 100.0% of cobalt")), "the rule's message");
    assert!(!out.contains("javascript:"), "a rule's URL that is not a web page is not linked");
    // The unknown material: in the message and the excerpt of the input error.
    assert!(out.contains(&format!("unknown material <code>{img}</code>")), "the material");
    // The file's path, in the table of contents and its facts.
    assert!(out.contains("&lt;b&gt;hostile.json"), "the path");
}

const POLICY: &str = r#"{
  "version": 1,
  "rules": [
    {
      "id": "ACME-42",
      "name": "processing-cap",
      "summary": "No country processes more than 42.5% of a strategic raw material",
      "severity": "error",
      "stages": ["processing"],
      "metric": "country-share",
      "max": 42.5,
      "message": "{country} processes {value} of {material}; the cap is {threshold}",
      "help": "Qualify a second processor."
    },
    {
      "id": "ACME-43",
      "name": "recycled-content",
      "summary": "At least 12% of each strategic raw material is recycled",
      "severity": "warning",
      "stages": ["recycling"],
      "metric": "group-share",
      "min": 12,
      "message": "{value} of {material} is recycled; the policy asks {threshold}",
      "help": "Buy recycled material."
    }
  ]
}"#;

#[test]
fn thresholds_are_drawn_from_the_rules_that_ran() {
    let rules = temp_file("acme-42.json", POLICY.as_bytes());
    let rules = rules.display().to_string();
    let (_, page) = html(&["--rules", &rules, "examples/magnets-2030.json"]);
    // A cap at 42.5% across the processing lane, a minimum of the recycled share at 12%.
    assert!(page.contains(">ACME-42 cap 42.5% ✗</text>"), "the policy's cap, failed by China's 66.4%");
    assert!(page.contains(">ACME-43 recycled ≥ 12% ✗</text>"), "the policy's minimum, failed by 5.2%");
    // Without CRM004 and the policy, no cap is drawn anywhere.
    let (_, page) = html(&["--ignore", "CRM004", "examples/magnets-2030.json"]);
    assert!(!page.contains("cap 65%") && !page.contains("largest checked"), "no cap, no lane without a rule that caps");
    assert!(page.contains(">CRM001 EU ≥ 10% ✗</text>"));
}

#[test]
fn a_cap_line_stands_at_its_threshold() {
    // The lane runs from x = 12 over 430 units for 0 to 100%: a cap of 42.5% is at 194.75.
    let rules = temp_file("acme-42-line.json", POLICY.as_bytes());
    let (_, page) =
        html(&["--rules", &rules.display().to_string(), "--select", "ACME-42", "examples/magnets-2030.json"]);
    assert!(page.contains("<line class=\"mark-line\" x1=\"194.75\" x2=\"194.75\""), "the cap at 42.5%");
}

#[test]
fn the_stock_and_a_stock_rule_stand_in_the_line_of_facts() {
    let (_, out) = html(&["--rules", "examples/policies/stock-60-days.json", "examples/magnets-2030.json"]);
    let facts = out.split("class=\"muted\">strategic raw material · 520 t consumed").nth(1).expect("the rare earths");
    let facts = &facts[..facts.find("</p>").expect("the end of the line")];
    assert!(facts.starts_with(" · stock 60.01 t: 42.1 days of cover"), "{facts}");
    assert!(
        facts.contains("stock ≥ 60 days (<a href=\"#file-0-e"),
        "the rule's result, linked to its finding: {facts}"
    );
}
