//! The ledger: a portfolio's supplies summed by material and route (the country of each
//! stage), and from those by stage and country of origin.
//!
//! Every metric the engine knows is a function of these sums, so supply lines are added to
//! the ledger as they are read and never kept. A line is added to the sum of its route; once
//! all are read, the ledger is settled: each stage's sums per country (and of unknown origin)
//! are added up from the routes. Routes are what a disruption hits (a line cut at processing
//! is lost at extraction too), so a stress test cuts routes and settles again. For each sum
//! the ledger also keeps the few largest lines behind it, so that a finding can point at the
//! lines responsible.

use rustc_hash::FxHashMap;

use crate::domain::{Basis, Stage};
use crate::quantity::{DAYS_PER_YEAR, Fraction, LineMass, Mass, Share};
use crate::reference::{CountryId, FormId, MaterialId, Tier, UnitId};
use crate::source::Span;

/// The rows of a ledger are keyed by material and tier: supplies of one material that fall
/// under different annex entries (battery-grade lithium, lithium of other grades) are
/// different rows, since the Act treats them differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RowKey {
    /// The material.
    pub material: MaterialId,
    /// Its tier.
    pub tier: Tier,
}

/// How many of the largest lines each sum remembers.
pub const EVIDENCE_LINES: usize = 3;

/// Where a supply line's material comes from: its country at each stage, as far as the line
/// names them, and the member element it names of a group material (`dysprosium` of the rare
/// earths for magnets), if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Route {
    /// The country of each stage, in [`Stage::ALL`] order.
    pub countries: [Option<CountryId>; 3],
    /// The member element named, by its place among the material's members.
    pub member: Option<u8>,
}

impl Route {
    /// The country at `stage`, if the line names one.
    pub fn at(&self, stage: Stage) -> Option<CountryId> {
        self.countries[stage.index()]
    }

    /// Whether the line is expected to name a country at `stage`: secondary material (with a
    /// recycling country) at recycling, primary material at extraction and processing.
    pub fn expects(&self, stage: Stage) -> bool {
        let secondary = self.at(Stage::Recycling).is_some();
        if secondary { stage == Stage::Recycling } else { stage != Stage::Recycling }
    }
}

/// One supply line, remembered as evidence for a sum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineRef {
    /// Its contained mass.
    pub mass: LineMass,
    /// Its position among the supply lines (0-based), which breaks ties.
    pub index: u32,
    /// The material name, labelled where a stage names no country.
    pub material: Span,
    /// The country code of each stage, where given.
    pub countries: [Option<Span>; 3],
    /// Its `id` value, if any.
    pub id: Option<Span>,
    /// Its `amount` value.
    pub amount: Span,
    /// Its unit.
    pub unit: UnitId,
    /// Its traded form, if any.
    pub form: Option<FormId>,
    /// Its `content` value, if any.
    pub content: Option<Span>,
}

impl LineRef {
    /// The value to label for `stage`: its country code, or else the material name.
    pub fn at(&self, stage: Stage) -> Span {
        self.countries[stage.index()].unwrap_or(self.material)
    }

    /// The line with `factor` of its mass (a stress test's cut).
    fn scaled(self, factor: Fraction) -> Option<LineRef> {
        Some(LineRef { mass: self.mass.scaled(factor)?, ..self })
    }
}

/// A sum of supply lines, with the largest of them.
#[derive(Debug, Clone, Default)]
pub struct Cell {
    /// The total contained mass.
    pub mass: Mass,
    /// How many lines.
    pub lines: u32,
    top: [Option<LineRef>; EVIDENCE_LINES],
}

impl Cell {
    /// Adds a line.
    pub fn add(&mut self, line: LineRef) {
        self.mass.add_line(line.mass);
        self.lines += 1;
        self.keep(line);
    }

    /// Keeps `line` among the largest, if it is one; the earliest first among equals,
    /// whatever the order lines are added in.
    fn keep(&mut self, line: LineRef) {
        let before = |kept: &LineRef| {
            (line.mass.approx(), std::cmp::Reverse(line.index)) > (kept.mass.approx(), std::cmp::Reverse(kept.index))
        };
        let Some(pos) = self.top.iter().position(|slot| slot.as_ref().is_none_or(before)) else {
            return;
        };
        self.top[pos..].rotate_right(1);
        self.top[pos] = Some(line);
    }

    /// Adds everything in `other`.
    pub fn merge(&mut self, other: &Cell) {
        self.mass += &other.mass;
        self.lines += other.lines;
        for line in other.top.iter().flatten() {
            self.keep(*line);
        }
    }

    /// The largest lines, largest first.
    pub fn top(&self) -> impl Iterator<Item = &LineRef> {
        self.top.iter().flatten()
    }

    /// The cell with `factor` of every line's mass; `None` if a product overflows.
    fn scaled(&self, factor: Fraction) -> Option<Cell> {
        let mut top = [None; EVIDENCE_LINES];
        for (slot, line) in top.iter_mut().zip(self.top()) {
            *slot = Some(line.scaled(factor)?);
        }
        Some(Cell { mass: self.mass.scaled(factor)?, lines: self.lines, top })
    }
}

/// The sums of one material at one stage.
#[derive(Debug, Clone, Default)]
pub struct StageLedger {
    countries: Vec<(CountryId, Cell)>,
    /// Lines for which this stage is expected but names no country.
    pub unknown: Cell,
}

impl StageLedger {
    /// The cell of `country`, created empty if new.
    fn country_mut(&mut self, country: CountryId) -> &mut Cell {
        // A material has few origins per stage: a linear search beats hashing here.
        match self.countries.iter().position(|(c, _)| *c == country) {
            Some(n) => &mut self.countries[n].1,
            None => {
                self.countries.push((country, Cell::default()));
                &mut self.countries.last_mut().expect("just pushed").1
            }
        }
    }

    /// Every country with its cell, in order of first appearance.
    pub fn countries(&self) -> impl Iterator<Item = (CountryId, &Cell)> {
        self.countries.iter().map(|(c, cell)| (*c, cell))
    }

    fn merge(&mut self, other: &StageLedger) {
        for (country, cell) in &other.countries {
            self.country_mut(*country).merge(cell);
        }
        self.unknown.merge(&other.unknown);
    }
}

/// An amount a portfolio states for a row: its annual consumption, or the stock held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stated {
    /// The contained mass.
    pub mass: Mass,
    /// The `amount` value of the entry.
    pub span: Span,
}

/// All sums of one material (at one tier).
#[derive(Debug, Clone)]
pub struct Row {
    /// Material and tier.
    pub key: RowKey,
    /// Total contained mass of the supply lines.
    pub supplied: Mass,
    /// Number of supply lines.
    pub lines: u32,
    /// The stated consumption, if any.
    pub consumption: Option<Stated>,
    /// The stated stock, if any.
    pub stock: Option<Stated>,
    /// The material name of the first supply line, or the consumption entry.
    pub first: Span,
    /// For a total over several rows, or a row after a stress test's cut: what is summed
    /// row by row, or kept from before the cut.
    total: Option<Total>,
    /// The sums per route, in order of first appearance.
    routes: Vec<(Route, Cell)>,
    route_index: FxHashMap<Route, u32>,
    /// The sums per stage, added up from the routes by [`Row::settle`].
    stages: [StageLedger; 3],
}

impl Row {
    fn new(key: RowKey, first: Span) -> Row {
        Row {
            key,
            supplied: Mass::ZERO,
            lines: 0,
            consumption: None,
            stock: None,
            first,
            total: None,
            routes: Vec::new(),
            route_index: FxHashMap::default(),
            stages: Default::default(),
        }
    }

    /// Adds a supply line on `route` (the row's stages are stale until [`Row::settle`]).
    pub fn add_line(&mut self, route: Route, line: LineRef) {
        self.supplied.add_line(line.mass);
        self.lines += 1;
        self.route_mut(route).add(line);
    }

    /// The sum of `route`, created empty if new.
    fn route_mut(&mut self, route: Route) -> &mut Cell {
        let n = *self.route_index.entry(route).or_insert_with(|| {
            self.routes.push((route, Cell::default()));
            (self.routes.len() - 1) as u32
        });
        &mut self.routes[n as usize].1
    }

    /// Adds the supply lines of `later` (a row of the same key, of the lines that follow
    /// this row's, numbered from 0 there: `offset` numbers them here), as if added one by one.
    fn append(&mut self, later: Row, offset: u32) {
        self.supplied += &later.supplied;
        self.lines += later.lines;
        for (route, mut cell) in later.routes {
            for line in cell.top.iter_mut().flatten() {
                line.index += offset;
            }
            self.route_mut(route).merge(&cell);
        }
    }

    /// Adds up the stages from the routes: each route at its country of each stage, or as
    /// unknown where the stage is expected and names none.
    pub fn settle(&mut self) {
        let mut stages: [StageLedger; 3] = Default::default();
        for (route, cell) in &self.routes {
            for stage in Stage::ALL {
                match route.at(stage) {
                    Some(country) => stages[stage.index()].country_mut(country).merge(cell),
                    None if route.expects(stage) => stages[stage.index()].unknown.merge(cell),
                    None => {}
                }
            }
        }
        self.stages = stages;
    }

    /// The routes and their sums, in order of first appearance.
    pub fn routes(&self) -> impl Iterator<Item = (&Route, &Cell)> {
        self.routes.iter().map(|(route, cell)| (route, cell))
    }

    /// The row after a cut: each route keeps `1 − lost(route)` of its mass, and the
    /// denominator and the consumption no line covers stay what they were (demand does not
    /// fall because a supplier fails, and lost supply is not of unknown origin). Settled.
    /// `None` if a product overflows.
    pub fn cut(&self, lost: impl Fn(&Route) -> Fraction) -> Option<Row> {
        let mut row = Row::new(self.key, self.first);
        row.total =
            Some(Total { denominator: self.denominator().clone(), basis: self.basis(), uncovered: self.uncovered() });
        row.consumption = self.consumption.clone();
        row.stock = self.stock.clone();
        row.lines = self.lines;
        for (route, cell) in &self.routes {
            let kept = Fraction::ONE.checked_sub(lost(route))?;
            let cell = cell.scaled(kept)?;
            row.supplied += &cell.mass;
            row.route_index.insert(*route, row.routes.len() as u32);
            row.routes.push((*route, cell));
        }
        row.settle();
        Some(row)
    }

    /// The sums at `stage`.
    pub fn stage(&self, stage: Stage) -> &StageLedger {
        &self.stages[stage.index()]
    }

    /// The denominator of every share: consumption if stated, else the sum of supplies.
    pub fn denominator(&self) -> &Mass {
        match (&self.total, &self.consumption) {
            (Some(total), _) => &total.denominator,
            (None, Some(consumption)) => &consumption.mass,
            (None, None) => &self.supplied,
        }
    }

    /// How [`Row::denominator`] was found.
    pub fn basis(&self) -> Basis {
        match (&self.total, &self.consumption) {
            (Some(total), _) => total.basis,
            (None, Some(_)) => Basis::Consumption,
            (None, None) => Basis::Supplies,
        }
    }

    /// The days of consumption the stock covers: stock ÷ (denominator ÷ 365), exactly as a
    /// share of the denominator (`None` without a stock, or without a denominator).
    pub fn stock_cover(&self) -> Option<Share> {
        let stock = self.stock.as_ref()?;
        let denominator = self.denominator();
        (!denominator.is_zero()).then(|| stock.mass.share_of(denominator))
    }

    /// [`Row::stock_cover`] in days, for printing and machine output.
    pub fn stock_days(&self) -> Option<f64> {
        self.stock_cover().map(|share| share.ratio_f64() * DAYS_PER_YEAR as f64)
    }

    /// Consumption that no supply line covers.
    pub fn uncovered(&self) -> Mass {
        match (&self.total, &self.consumption) {
            (Some(total), _) => total.uncovered.clone(),
            (None, Some(consumption)) => consumption.mass.saturating_sub(&self.supplied),
            (None, None) => Mass::ZERO,
        }
    }

    /// Mass of unknown origin at `stage`: lines expected to name it that do not, and, for
    /// extraction and processing, consumption no line covers (taken as primary material).
    pub fn unknown(&self, stage: Stage) -> Mass {
        let mut unknown = self.stage(stage).unknown.mass.clone();
        if stage != Stage::Recycling {
            unknown += &self.uncovered();
        }
        unknown
    }

    /// Mass whose origin at `stage` could turn out to be anywhere: the unknown mass, and for
    /// recycling also uncovered consumption (which might be recycled material).
    pub fn open(&self, stage: Stage) -> Mass {
        &self.stage(stage).unknown.mass + &self.uncovered()
    }

    /// The sum of several rows, for rules over a group of materials taken together: each
    /// row counts with its own denominator and its own uncovered consumption.
    pub fn merged<'a>(key: RowKey, rows: impl IntoIterator<Item = &'a Row>) -> Row {
        let mut merged = Row::new(key, Span::default());
        let mut total = Total { denominator: Mass::ZERO, basis: Basis::Supplies, uncovered: Mass::ZERO };
        for (n, row) in rows.into_iter().enumerate() {
            if n == 0 {
                merged.first = row.first;
                total.basis = row.basis();
            } else if total.basis != row.basis() {
                total.basis = Basis::Mixed;
            }
            merged.supplied += &row.supplied;
            // Stocks add up; a material without one counts as holding none.
            if let Some(stock) = &row.stock {
                match &mut merged.stock {
                    Some(sum) => sum.mass += &stock.mass,
                    None => merged.stock = Some(stock.clone()),
                }
            }
            merged.lines += row.lines;
            total.denominator += row.denominator();
            total.uncovered += &row.uncovered();
            for stage in Stage::ALL {
                merged.stages[stage.index()].merge(row.stage(stage));
            }
        }
        merged.total = Some(total);
        merged
    }
}

/// What a total over several rows sums row by row, since it cannot be found from the sums
/// of supplies and consumption.
#[derive(Debug, Clone)]
struct Total {
    denominator: Mass,
    basis: Basis,
    uncovered: Mass,
}

/// All rows of a portfolio, in order of first appearance.
#[derive(Debug, Default)]
pub struct Ledger {
    rows: Vec<Row>,
    /// The row of each (material, tier), at `material × 3 + tier`: an index, not a hash.
    index: Vec<Option<u32>>,
}

fn slot(key: RowKey) -> usize {
    usize::from(key.material.0) * 3 + key.tier as usize
}

impl Ledger {
    /// The row of `key`, created if new; `first` locates a new row.
    pub fn row_mut(&mut self, key: RowKey, first: Span) -> &mut Row {
        let slot = slot(key);
        if self.index.len() <= slot {
            self.index.resize(slot + 1, None);
        }
        let n = match self.index[slot] {
            Some(n) => n as usize,
            None => {
                self.rows.push(Row::new(key, first));
                self.index[slot] = Some((self.rows.len() - 1) as u32);
                self.rows.len() - 1
            }
        };
        &mut self.rows[n]
    }

    /// Adds the rows of `later`, a ledger of the supply lines that follow this one's
    /// (numbered from 0 there: `offset` numbers them here), as if added one by one.
    pub(crate) fn append(&mut self, later: Ledger, offset: u32) {
        for row in later.rows {
            self.row_mut(row.key, row.first).append(row, offset);
        }
    }

    /// The row of `key`, if there is one.
    pub fn row(&self, key: RowKey) -> Option<&Row> {
        self.position(key).map(|n| &self.rows[n])
    }

    /// Where the row of `key` is among [`Ledger::rows`], if there is one.
    pub fn position(&self, key: RowKey) -> Option<usize> {
        self.index.get(slot(key)).copied().flatten().map(|n| n as usize)
    }

    /// All rows.
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// Adds up every row's stages from its routes, once all lines are in.
    pub fn settle(&mut self) {
        self.rows.iter_mut().for_each(Row::settle);
    }

    /// The ledger after a cut: every row cut by `lost(row, route)` (see [`Row::cut`]).
    /// `None` if a product overflows.
    pub fn cut(&self, lost: impl Fn(&Row, &Route) -> Fraction) -> Option<Ledger> {
        let rows = self.rows.iter().map(|row| row.cut(|route| lost(row, route))).collect::<Option<Vec<Row>>>()?;
        Some(Ledger { rows, index: self.index.clone() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quantity::{Decimal, Fraction, product_picograms};

    fn line(tonnes: &str, index: u32) -> LineRef {
        let product = product_picograms(Decimal::parse(tonnes).unwrap(), Fraction::ONE).unwrap();
        LineRef {
            mass: LineMass::new(product, None).unwrap(),
            index,
            material: Span::at(index as usize),
            countries: [None; 3],
            id: None,
            amount: Span::default(),
            unit: UnitId(0),
            form: None,
            content: None,
        }
    }

    #[test]
    fn cells_keep_the_largest_lines_earliest_first() {
        let mut cell = Cell::default();
        for (n, t) in ["5", "9", "5", "1", "9", "7"].iter().enumerate() {
            cell.add(line(t, n as u32));
        }
        let kept: Vec<u32> = cell.top().map(|l| l.index).collect();
        assert_eq!(kept, [1, 4, 5]);
        assert_eq!(cell.lines, 6);
        assert_eq!(cell.mass, Mass::from_tonnes(Decimal::parse("36").unwrap(), Fraction::ONE).unwrap());
    }

    #[test]
    fn merging_cells_keeps_totals() {
        let mut a = Cell::default();
        a.add(line("5", 0));
        a.add(line("1", 1));
        let mut b = Cell::default();
        b.add(line("7", 2));
        a.merge(&b);
        assert_eq!(a.mass, Mass::from_tonnes(Decimal::parse("13").unwrap(), Fraction::ONE).unwrap());
        assert_eq!(a.lines, 3);
        assert_eq!(a.top().map(|l| l.index).collect::<Vec<_>>(), [2, 0, 1]);
    }
}
