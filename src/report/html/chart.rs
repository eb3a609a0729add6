//! The chart of one material at one stage: an inline SVG, a 100% bar with the thresholds of
//! the rules that apply there.
//!
//! Layout, in the units of the SVG's `viewBox` (it scales with its table cell):
//!
//! ```text
//!  y  0-14   marks: ▼ "CRM001 EU ≥ 10% ✗" over each minimum drawn on the bar (a second
//!            row of labels when two minimums share a stage), and "100%" when the shares add
//!            up to more
//!  y 16-38   the bar: EU | named third countries, largest first | other | unknown (hatched)
//!            | the empty track: the share not at this stage (recycled material at extraction)
//!  y 46-54   a lane per country capped: that country's share alone, from 0, with each cap
//!            across it; its label and the caps' labels under it
//! ```
//!
//! Why a lane: a minimum on the EU share compares with the end of the EU segment, which
//! starts at 0, so a mark on the bar reads right. A cap on one country compares with that
//! country's share, whose segment in a stacked bar does not start at 0: a line at 65% across
//! the bar would be read wrongly. The lane draws the country from 0 and the cap crosses it.
//!
//! Every `<rect>`, `<line>`, `<text>` is written `rect … {}`, never `rect …;`: maud writes the
//! latter as a void element without an end tag, and SVG has none, so everything after it
//! would nest inside it. Ids come from indices, never from input.

use maud::{Markup, html};

use super::super::words::percent;
use super::view::{EU_COLOUR, Mark, OTHER_COLOUR, Part, Segment, StageView};
use crate::domain::Stage;
use crate::model::CountryShare;

const VIEW_W: f64 = 460.0;
const X0: f64 = 12.0;
const BAR_W: f64 = 430.0;
const BAR_Y: f64 = 16.0;
const BAR_H: f64 = 22.0;
/// From the top of a lane to the top of the next: the lane and its row of labels.
const LANE_STEP: f64 = 24.0;
const LANE_H: f64 = 8.0;
/// The height of a row of labels above the bar.
const ROW: f64 = 13.0;
/// Estimated widths of a character of the labels (12 px, bold 12 px, 11 px): generous, so
/// that labels placed apart stay apart in wider fonts too.
const CHAR_W: f64 = 6.9;
const BOLD_W: f64 = 7.2;
const SMALL_W: f64 = 6.6;

/// A coordinate: two decimals at most, so that no float noise reaches the bytes.
fn n(v: f64) -> String {
    let s = format!("{:.2}", v + 0.0);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".to_owned() } else { s.to_owned() }
}

/// The width a label of `text` needs on a segment.
fn text_w(text: &str) -> f64 {
    text.chars().count() as f64 * CHAR_W + 6.0
}

/// A text placed in the chart.
struct Placed {
    x: f64,
    anchor: &'static str,
    text: String,
}

/// Places the first candidate (x, anchor, text) whose extent stays in the view and clear of
/// the texts already in its row, trying each row in turn; `None` when none fits (the numbers
/// beside the chart say it all anyway).
fn place(
    rows: &mut [Vec<(f64, f64)>],
    candidates: &[(f64, &'static str, String)],
    char_w: f64,
) -> Option<(Placed, usize)> {
    for (row, taken) in rows.iter_mut().enumerate() {
        for (x, anchor, text) in candidates {
            let w = text.chars().count() as f64 * char_w;
            let (a, b) = match *anchor {
                "start" => (*x, x + w),
                "end" => (x - w, *x),
                _ => (x - w / 2.0, x + w / 2.0),
            };
            if a < 0.0 || b > VIEW_W || taken.iter().any(|(ta, tb)| a < tb + 4.0 && ta - 4.0 < b) {
                continue;
            }
            taken.push((a, b));
            return Some((Placed { x: *x, anchor, text: text.clone() }, row));
        }
    }
    None
}

/// A threshold drawn: where, whether dashed (it does not apply yet), and its label.
struct Drawn {
    x: f64,
    pending: bool,
    label: Option<(Placed, usize)>,
}

/// The candidates for a mark's label: with the rule id, then without, each on either side.
fn mark_label(mark: &Mark<'_>, stage: Stage, x: f64, gap: f64, centred: bool) -> Vec<(f64, &'static str, String)> {
    let from = mark.from.map(|y| format!(" from {y}")).unwrap_or_default();
    let sign = mark.verdict().0;
    let full = format!("{} {}{from} {sign}", mark.rule.id, mark.asks(Some(stage)));
    let short = format!("{}{from} {sign}", mark.asks(Some(stage)));
    let mut candidates = Vec::new();
    for text in [full, short] {
        if centred {
            candidates.push((x, "middle", text.clone()));
        }
        candidates.push((x + gap, "start", text.clone()));
        candidates.push((x - gap, "end", text));
    }
    candidates
}

/// A lane: one country's share from 0, and the caps that concern it.
struct Lane<'a> {
    country: Option<&'a CountryShare>,
    marks: Vec<&'a Mark<'a>>,
}

/// A lane laid out: its label, its caps, and how many rows of labels they take.
struct LaneLayout<'a> {
    lane: Lane<'a>,
    label: Option<Placed>,
    caps: Vec<Drawn>,
    rows: usize,
}

impl LaneLayout<'_> {
    /// From the top of the lane to the top of the next.
    fn height(&self) -> f64 {
        LANE_STEP + ROW * (self.rows - 1) as f64
    }
}

/// Places a lane's labels: its own first, at its start; then each cap's, on the first row
/// with room, a second row if need be.
fn layout_lane<'a>(lane: Lane<'a>, stage: Stage, sx: impl Fn(f64) -> f64) -> LaneLayout<'a> {
    let mut rows: Vec<Vec<(f64, f64)>> = vec![Vec::new(), Vec::new()];
    let (text, short) = match lane.country {
        Some(c) => {
            let (code, share) = (&c.country.code, percent(c.share));
            (format!("largest checked: {code} {share}"), format!("{code} {share}"))
        }
        None => ("no country checked".to_owned(), "none".to_owned()),
    };
    let label = place(&mut rows[..1], &[(X0, "start", text), (X0, "start", short)], SMALL_W).map(|(p, _)| p);
    let caps: Vec<Drawn> = lane
        .marks
        .iter()
        .map(|m| {
            let x = sx(m.rule.threshold.value.number);
            Drawn { x, pending: m.from.is_some(), label: place(&mut rows, &mark_label(m, stage, x, 6.0, true), BOLD_W) }
        })
        .collect();
    let rows = 1 + usize::from(caps.iter().any(|c| c.label.as_ref().is_some_and(|(_, row)| *row > 0)));
    LaneLayout { lane, label, caps, rows }
}

/// The text alternative of a chart: every part of the bar and every threshold, in words.
fn describe(material: &str, view: &StageView<'_>) -> String {
    let mut parts: Vec<String> =
        view.segments.iter().map(|s| format!("{} {}", s.part.long(), percent(s.share))).collect();
    if view.rest() > 0.0 {
        parts.push(format!("{} {}", rest_words(view.stage), percent(view.rest())));
    }
    let stage = view.stage.as_str();
    let mut capitalised = stage.to_owned();
    capitalised[..1].make_ascii_uppercase();
    let mut text = format!("{capitalised} of {material}: {}.", parts.join(", "));
    if view.total() > 100.05 {
        text.push_str(&format!(" The shares add up to {}: supplies exceed consumption.", percent(view.total())));
    }
    for mark in &view.marks {
        text.push_str(&format!(" {}", mark.sentence(Some(view.stage))));
        if let Some(c) = mark.country.filter(|_| mark.on_lane()) {
            text.push_str(&format!(" (largest checked: {} {})", c.country.name, percent(c.share)));
        }
        text.push('.');
    }
    text
}

/// A segment in words: `China 63.4%`; the EU's with its members, `EU 9.9%: Estonia 9.9%`.
fn segment_words(segment: &Segment<'_>, view: &StageView<'_>) -> String {
    let text = format!("{} {}", segment.part.long(), percent(segment.share));
    match segment.part {
        Part::Eu => {
            let members: Vec<String> = view
                .shares
                .countries
                .iter()
                .filter(|c| c.eu)
                .map(|c| format!("{} {}", c.country.name, percent(c.share)))
                .collect();
            format!("{text}: {}", members.join(", "))
        }
        _ => text,
    }
}

/// What the share not at a stage is.
pub(super) fn rest_words(stage: Stage) -> &'static str {
    match stage {
        Stage::Extraction | Stage::Processing => "recycled",
        Stage::Recycling => "not recycled",
    }
}

/// The chart of `material` at one stage; `id` is unique in the page.
pub(super) fn bar(id: &str, material: &str, view: &StageView<'_>) -> Markup {
    let total = view.total();
    let domain = total.max(100.0);
    let sx = |v: f64| X0 + v.max(0.0) / domain * BAR_W;

    let mut mins: Vec<&Mark<'_>> = view.marks.iter().filter(|m| m.on_bar()).collect();
    mins.sort_by(|a, b| a.rule.threshold.value.number.total_cmp(&b.rule.threshold.value.number));
    let mut lanes: Vec<Lane<'_>> = Vec::new();
    for mark in view.marks.iter().filter(|m| m.on_lane()) {
        let code = mark.country.map(|c| c.country.code.as_str());
        match lanes.iter_mut().find(|l| l.country.map(|c| c.country.code.as_str()) == code) {
            Some(lane) => lane.marks.push(mark),
            None => lanes.push(Lane { country: mark.country, marks: vec![mark] }),
        }
    }

    // A second row above the bar for the labels of the minimums, when there are several.
    let top = if mins.len() > 1 { ROW } else { 0.0 };
    let bar_y = BAR_Y + top;
    let lanes_y = bar_y + BAR_H + 8.0;
    let lanes: Vec<LaneLayout<'_>> = lanes.into_iter().map(|lane| layout_lane(lane, view.stage, sx)).collect();
    let view_h = lanes_y + lanes.iter().map(LaneLayout::height).sum::<f64>() - if lanes.is_empty() { 4.0 } else { 0.0 };

    let mut spans: Vec<(f64, f64, &Segment<'_>)> = Vec::new();
    let mut at = 0.0;
    for segment in &view.segments {
        spans.push((sx(at), sx(at + segment.share), segment));
        at += segment.share;
    }

    // Row 0 is just above the bar, row 1 above it; the minimums' triangles are obstacles.
    let mut rows: Vec<Vec<(f64, f64)>> = vec![mins.iter().map(|m| mark_x(m, sx)).map(|x| (x - 5.0, x + 5.0)).collect()];
    if top > 0.0 {
        rows.push(Vec::new());
    }
    let hundred = (total > 100.05).then(|| {
        let x = sx(100.0);
        place(&mut rows[..1], &[(x, "middle", "100%".to_owned()), (x, "end", "100%".to_owned())], BOLD_W)
            .map(|(p, _)| p.x)
    });
    let min_marks: Vec<Drawn> = mins
        .iter()
        .map(|m| {
            let x = mark_x(m, sx);
            Drawn {
                x,
                pending: m.from.is_some(),
                label: place(&mut rows, &mark_label(m, view.stage, x, 9.0, false), BOLD_W),
            }
        })
        .collect();

    // Labels on the segments: the code and share, else the code alone, clear of the marks.
    let seg_labels: Vec<(f64, String, &'static str, &'static str)> = spans
        .iter()
        .filter(|(x0, x1, _)| x1 > x0)
        .filter_map(|(x0, x1, seg)| {
            for text in [format!("{} {}", seg.part.short(), percent(seg.share)), seg.part.short().to_owned()] {
                let w = text_w(&text);
                let mut room = vec![(*x0, *x1)];
                for m in &min_marks {
                    room =
                        room.into_iter()
                            .flat_map(|(a, b)| {
                                if m.x > a && m.x < b { vec![(a, m.x - 3.0), (m.x + 3.0, b)] } else { vec![(a, b)] }
                            })
                            .collect();
                }
                let best = room.iter().filter(|(a, b)| b - a >= w).max_by(|p, q| (p.1 - p.0).total_cmp(&(q.1 - q.0)));
                if let Some((a, b)) = best {
                    let (ink, halo) = match seg.part {
                        Part::Eu => ("#fff", EU_COLOUR),
                        Part::Unknown => ("#000", "#fff"),
                        part => ("#000", part.fill()),
                    };
                    return Some(((a + b) / 2.0, text, ink, halo));
                }
            }
            None
        })
        .collect();
    let rest_label = (view.rest() > 0.0 && sx(100.0) - sx(total) >= text_w(rest_words(view.stage)))
        .then(|| (sx(total) + sx(100.0)) / 2.0);

    html! {
        svg.bar viewBox={ "0 0 " (n(VIEW_W)) " " (n(view_h)) } role="img" aria-labelledby={ (id) "-title" }
            data-material=(material) data-stage=(view.stage.as_str()) {
            title id={ (id) "-title" } { (describe(material, view)) }
            // The track, 0 to 100%: what no segment covers is not at this stage.
            rect.track x=(n(sx(0.0))) y=(n(bar_y)) width=(n(sx(100.0) - sx(0.0))) height=(n(BAR_H)) {
                @if view.rest() > 0.0 { title { (rest_words(view.stage)) " " (percent(view.rest())) } }
            }
            // Each segment with its own title, shown on hover.
            @for (x0, x1, seg) in &spans {
                @if x1 > x0 {
                    rect.seg x=(n(*x0)) y=(n(bar_y)) width=(n(x1 - x0)) height=(n(BAR_H)) fill=(seg.part.fill()) {
                        title { (segment_words(seg, view)) }
                    }
                }
            }
            @if let Some(x) = rest_label {
                text.restlabel x=(n(x)) y=(n(bar_y + 15.0)) text-anchor="middle" { (rest_words(view.stage)) }
            }
            @if let Some(label_x) = hundred {
                line.hundred-line x1=(n(sx(100.0))) x2=(n(sx(100.0))) y1=(n(bar_y - 2.0)) y2=(n(bar_y + BAR_H + 2.0)) {}
                @if let Some(x) = label_x {
                    text.marklabel x=(n(x)) y=(n(bar_y - 4.0)) text-anchor="middle" { "100%" }
                }
            }
            @for m in &min_marks {
                g.mark.pending[m.pending] {
                    line.halo-line x1=(n(m.x)) x2=(n(m.x)) y1=(n(bar_y - 2.0)) y2=(n(bar_y + BAR_H + 2.0)) {}
                    line.mark-line x1=(n(m.x)) x2=(n(m.x)) y1=(n(bar_y - 2.0)) y2=(n(bar_y + BAR_H + 2.0)) {}
                    path.mark-tri d={ "M" (n(m.x - 5.0)) " " (n(bar_y - 9.0)) "h10l-5 7z" } {}
                    @if let Some((label, row)) = &m.label {
                        @if *row > 0 {
                            line.leader x1=(n(m.x)) x2=(n(m.x)) y1=(n(bar_y - 9.0)) y2=(n(bar_y - 25.0)) {}
                        }
                        @let x = if *row == 0 { label.x } else if label.anchor == "start" { label.x - 4.0 } else { label.x + 4.0 };
                        text.marklabel x=(n(x)) y=(n(bar_y - 3.0 - ROW * *row as f64)) text-anchor=(label.anchor) { (label.text) }
                    }
                }
            }
            // Labels over the marks' lines, with a halo of their segment's colour.
            @for (x, text, ink, halo) in &seg_labels {
                text.seglabel x=(n(*x)) y=(n(bar_y + 15.0)) fill=(ink) stroke=(halo) text-anchor="middle" { (text) }
            }
            @for (k, lane) in lanes.iter().enumerate() {
                @let y = lanes_y + lanes[..k].iter().map(LaneLayout::height).sum::<f64>();
                (lane_markup(lane, y, &view.segments, sx))
            }
        }
    }
}

/// Where a mark on the bar stands: at its threshold.
fn mark_x(mark: &Mark<'_>, sx: impl Fn(f64) -> f64) -> f64 {
    sx(mark.rule.threshold.value.number)
}

/// A lane at `y`: the country's share from 0 in its colour, each cap across it, and the
/// labels under it.
fn lane_markup(layout: &LaneLayout<'_>, y: f64, segments: &[Segment<'_>], sx: impl Fn(f64) -> f64) -> Markup {
    let LaneLayout { lane, label, caps, .. } = layout;
    let label_y = y + LANE_H + 11.0;
    // The country's colour in the bar; a member state's is the EU's (a cap on every country
    // checks them too).
    let fill = |c: &CountryShare| {
        let named = segments.iter().find_map(|s| match s.part {
            Part::Country(n, colour) if n.code == c.country.code => Some(colour),
            _ => None,
        });
        named.unwrap_or(if c.eu { EU_COLOUR } else { OTHER_COLOUR })
    };
    html! {
        rect.track x=(n(sx(0.0))) y=(n(y)) width=(n(sx(100.0) - sx(0.0))) height=(n(LANE_H)) {}
        @if let Some(c) = lane.country {
            rect.seg x=(n(sx(0.0))) y=(n(y)) width=(n(sx(c.share) - sx(0.0))) height=(n(LANE_H)) fill=(fill(c)) {}
        }
        @if let Some(label) = label {
            text.lanelabel x=(n(label.x)) y=(n(label_y)) text-anchor=(label.anchor) { (label.text) }
        }
        @for cap in caps {
            g.mark.pending[cap.pending] {
                line.halo-line x1=(n(cap.x)) x2=(n(cap.x)) y1=(n(y - 5.0)) y2=(n(y + LANE_H + 3.0)) {}
                line.mark-line x1=(n(cap.x)) x2=(n(cap.x)) y1=(n(y - 5.0)) y2=(n(y + LANE_H + 3.0)) {}
                @if let Some((label, row)) = &cap.label {
                    @if *row > 0 {
                        line.leader x1=(n(cap.x)) x2=(n(cap.x)) y1=(n(y + LANE_H + 3.0)) y2=(n(label_y + ROW * *row as f64 - 10.0)) {}
                    }
                    text.marklabel x=(n(label.x)) y=(n(label_y + ROW * *row as f64)) text-anchor=(label.anchor) { (label.text) }
                }
            }
        }
    }
}

/// The axis over the charts' column: the same geometry, 0 to 100%.
pub(super) fn axis() -> Markup {
    let sx = |v: f64| X0 + v / 100.0 * BAR_W;
    html! {
        svg.axis viewBox={ "0 0 " (n(VIEW_W)) " 14" } aria-hidden="true" focusable="false" {
            @for v in [0.0, 25.0, 50.0, 75.0, 100.0] {
                @let anchor = if v == 0.0 { "start" } else if v == 100.0 { "end" } else { "middle" };
                text x=(n(sx(v))) y="10" text-anchor=(anchor) { (n(v)) "%" }
                line x1=(n(sx(v))) x2=(n(sx(v))) y1="11" y2="14" {}
            }
        }
    }
}

/// The hatch pattern of unknown origins, once per page, in an SVG of no size (not
/// `display: none`, which stops some browsers painting patterns used from elsewhere). A
/// reference to it (`url(#hatch-unknown)`) stays in the document: no request.
pub(super) fn defs() -> Markup {
    html! {
        svg.defs width="0" height="0" aria-hidden="true" focusable="false" {
            defs {
                pattern #hatch-unknown width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)" {
                    rect width="6" height="6" fill="#fff" {}
                    line x1="0" y1="0" x2="0" y2="6" stroke="#000" stroke-width="2.2" {}
                }
            }
        }
    }
}

/// A legend swatch: a small SVG, so that it prints (backgrounds may not) and shows the hatch.
pub(super) fn swatch(fill: &str) -> Markup {
    html! {
        svg.swatch viewBox="0 0 14 14" aria-hidden="true" focusable="false" {
            rect x="0.5" y="0.5" width="13" height="13" fill=(fill) stroke="#555" stroke-width="1" {}
        }
    }
}

/// The legend's key to a kind of threshold: a minimum's mark, a cap across a lane, or a
/// dashed line for a threshold that does not apply yet.
pub(super) fn key(kind: Key) -> Markup {
    html! {
        svg.key viewBox="0 0 20 14" aria-hidden="true" focusable="false" {
            @match kind {
                Key::Minimum => {
                    path d="M5 0h10l-5 6z" fill="#000" {}
                    line x1="10" x2="10" y1="5" y2="14" stroke="#000" stroke-width="2.5" {}
                }
                Key::Cap => {
                    rect x="0" y="5" width="20" height="5" fill="#ddd" {}
                    line x1="10" x2="10" y1="1" y2="14" stroke="#000" stroke-width="2.5" {}
                }
                Key::Pending => {
                    line x1="10" x2="10" y1="0" y2="14" stroke="#000" stroke-width="2.5" stroke-dasharray="4 3" {}
                }
            }
        }
    }
}

/// The kinds of threshold the legend explains.
#[derive(Debug, Clone, Copy)]
pub(super) enum Key {
    Minimum,
    Cap,
    Pending,
}
