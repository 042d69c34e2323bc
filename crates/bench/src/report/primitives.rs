//! "Which primitive?": each example beside the other primitives that give its semantic on
//! its runtime ([`crate::alternatives`]), in a table, a chart, the target that each example
//! is within 1.1x of the fastest that gives the same, and the "Why this primitive" block
//! of each example's README.

use std::fmt::Write as _;

use super::{Contender, Results, ns, ratio, short_count, short_delay, xml};
use crate::{Pattern, Runtime, Semantic};

/// How much more than the fastest alternative with the same semantics an example may cost.
pub const PRIMITIVE_TARGET: f64 = 1.1;

/// The delay the target is judged at: none, where the cost of spawning and joining is all
/// there is to measure. With a delay, the runtime's timer adds its own noise.
const JUDGED_DELAY_MS: u64 = 0;

/// Where one example stands against the primitives of its semantic on one runtime.
#[derive(Clone, Debug, PartialEq)]
pub struct Standing {
    /// The example.
    pub pattern: Pattern,
    /// Its runtime.
    pub runtime: Runtime,
    /// Its median cost per job, in nanoseconds.
    pub cost: f64,
    /// The fastest alternative that gives the same, with its median cost.
    pub best_same: Option<(Pattern, f64)>,
    /// The alternatives cheaper than the example that give less, with their costs.
    pub cheaper_lacking: Vec<(Pattern, f64)>,
}

impl Standing {
    /// The example's cost over the fastest alternative that gives the same.
    pub fn ratio(&self) -> Option<f64> {
        self.best_same
            .filter(|&(_, best)| best > 0.0)
            .map(|(_, best)| self.cost / best)
    }

    /// Whether it is within [`PRIMITIVE_TARGET`], or there is no alternative that gives the
    /// same to be held to.
    pub fn met(&self) -> bool {
        self.ratio().is_none_or(|r| r <= PRIMITIVE_TARGET)
    }

    /// One sentence: where it stands, with the numbers, and why it pays more if it does.
    pub fn sentence(&self) -> String {
        let runtime = self.runtime;
        let mut text = format!(
            "{} on {}, {}: {} ns per job",
            self.pattern.as_str(),
            runtime.as_str(),
            self.pattern.primitive(runtime),
            ns(self.cost)
        );
        match (self.best_same, self.ratio()) {
            (Some((best, cost)), Some(r)) => {
                let _ = write!(
                    text,
                    "; the fastest alternative that gives the same, {}: {} ns ({} of it)",
                    best.primitive(runtime),
                    ns(cost),
                    ratio(r)
                );
                if r > PRIMITIVE_TARGET {
                    match self.pattern.pays_for(self.runtime) {
                        Some(reason) => {
                            let _ = write!(text, "; it pays more because {reason}");
                        }
                        None => {
                            text.push_str("; **NOT within 1.1x, and nothing it does explains it**");
                        }
                    }
                }
            }
            _ => text.push_str("; no alternative gives the same on this runtime"),
        }
        for &(cheaper, cost) in &self.cheaper_lacking {
            let _ = write!(
                text,
                "; {} costs {} ns but gives less: {}",
                cheaper.primitive(runtime),
                ns(cost),
                cheaper.lacks(runtime).unwrap_or("less")
            );
        }
        text
    }
}

impl Results {
    /// The examples and the alternatives of `semantic` measured on `runtime`, examples
    /// first, each in the order of [`Pattern::ALL`] and [`Pattern::ALTERNATIVES`].
    fn primitive_rows(&self, semantic: Semantic, runtime: Runtime) -> Vec<Pattern> {
        Pattern::ALL
            .into_iter()
            .chain(Pattern::ALTERNATIVES)
            .filter(|p| p.semantic() == Some(semantic))
            .filter(|&p| {
                self.samples
                    .keys()
                    .any(|k| k.pattern == p && k.contender == Contender::Rust(runtime))
            })
            .collect()
    }

    /// Whether any alternative was measured (else there is no section, chart or target).
    pub fn alternatives_measured(&self) -> bool {
        self.samples.keys().any(|k| k.pattern.is_alternative())
    }

    /// A median cost per job at the floor's N (100 000), or `None`.
    fn median_at_floor(&self, pattern: Pattern, runtime: Runtime, delay_ms: u64) -> Option<f64> {
        let key = self.key(
            Contender::Rust(runtime),
            pattern,
            delay_ms,
            self.floor_jobs(),
        );
        self.cost(key).map(|s| s.median)
    }

    /// Where each example stands against the alternatives of its semantic, on every
    /// runtime measured, at 100 000 jobs and no delay.
    pub fn standings(&self) -> Vec<Standing> {
        let mut standings = Vec::new();
        for pattern in Pattern::ALL.into_iter().filter(|p| p.semantic().is_some()) {
            for runtime in Runtime::ALL {
                if let Some(standing) = self.standing(pattern, runtime) {
                    standings.push(standing);
                }
            }
        }
        standings
    }

    /// Where one example stands, if it and at least one alternative were measured.
    fn standing(&self, pattern: Pattern, runtime: Runtime) -> Option<Standing> {
        let semantic = pattern.semantic()?;
        let cost = self.median_at_floor(pattern, runtime, JUDGED_DELAY_MS)?;
        let alternatives: Vec<(Pattern, f64)> = self
            .primitive_rows(semantic, runtime)
            .into_iter()
            .filter(|p| p.is_alternative())
            .filter_map(|p| Some((p, self.median_at_floor(p, runtime, JUDGED_DELAY_MS)?)))
            .collect();
        if alternatives.is_empty() {
            return None;
        }
        let best_same = alternatives
            .iter()
            .copied()
            .filter(|(p, _)| p.gives_what(pattern, runtime))
            .min_by(|a, b| a.1.total_cmp(&b.1));
        let cheaper_lacking = alternatives
            .iter()
            .copied()
            .filter(|&(p, c)| !p.gives_what(pattern, runtime) && c < cost)
            .collect();
        Some(Standing {
            pattern,
            runtime,
            cost,
            best_same,
            cheaper_lacking,
        })
    }

    /// The target, as one line like the others: met, or each miss with its numbers, items
    /// separated by `; ` (so no reason may hold one). A miss explained by why the example
    /// pays more ([`Pattern::pays_for`]) is an item `explained: ...`, and does not fail it.
    pub fn primitive_target(&self) -> Option<String> {
        if !self.alternatives_measured() {
            return None;
        }
        let target = format!(
            "every example within {PRIMITIVE_TARGET}x of the fastest alternative that gives \
             the same semantics, at N = {} with no delay, or a reason it pays more",
            short_count(self.floor_jobs())
        );
        let mut explained = Vec::new();
        let mut misses = Vec::new();
        for standing in self.standings() {
            let Some(r) = standing.ratio().filter(|&r| r > PRIMITIVE_TARGET) else {
                continue;
            };
            let line = format!(
                "{} on {}: {} of {}",
                standing.pattern.as_str(),
                standing.runtime.as_str(),
                ratio(r),
                standing
                    .best_same
                    .map_or("-", |(best, _)| best.primitive(standing.runtime))
            );
            match standing.pattern.pays_for(standing.runtime) {
                Some(reason) => explained.push(format!("explained: {line}, because {reason}")),
                None => misses.push(line),
            }
        }
        let mut line = super::verdict(&target, &misses);
        // Each explained miss as one more item of the line (the page lists each on a line
        // of its own, as it does the misses).
        for item in explained {
            let _ = write!(line, "; {item}");
        }
        Some(line)
    }

    /// The "Which primitive?" tables on stdout.
    pub(super) fn primitives_text(&self, out: &mut String) {
        if !self.alternatives_measured() {
            return;
        }
        let floor = short_count(self.floor_jobs());
        for semantic in Semantic::ALL {
            // A run of some patterns (`--pattern`) leaves other semantics without rows.
            let measured = |runtime| !self.primitive_rows(semantic, runtime).is_empty();
            if !Runtime::ALL.into_iter().any(measured) {
                continue;
            }
            let _ = writeln!(
                out,
                "\nWhich primitive? {}: overhead per job in ns (median)",
                semantic.short()
            );
            let _ = write!(out, "{:<10} {:<44}", "runtime", "primitive");
            for &delay in &self.delays_ms {
                let _ = write!(out, " {:>13}", format!("{floor}, {}", short_delay(delay)));
            }
            let _ = writeln!(out, " {:>9}", "x fastest");
            for runtime in Runtime::ALL {
                let rows = self.primitive_rows(semantic, runtime);
                let fastest = self.fastest(&rows, runtime);
                for pattern in rows {
                    let name = plain_name(pattern, runtime);
                    let _ = write!(out, "{:<10} {name:<44}", runtime.as_str());
                    for &delay in &self.delays_ms {
                        let cost = self.median_at_floor(pattern, runtime, delay);
                        let _ = write!(out, " {:>13}", cost.map_or("-".into(), ns));
                    }
                    let own = self.median_at_floor(pattern, runtime, JUDGED_DELAY_MS);
                    let x = own.zip(fastest).map(|(own, fastest)| own / fastest);
                    let _ = writeln!(out, " {:>9}", x.map_or("-".into(), ratio));
                }
            }
        }
    }

    /// The cheapest median at the floor, no delay, among `rows` on `runtime`.
    fn fastest(&self, rows: &[Pattern], runtime: Runtime) -> Option<f64> {
        rows.iter()
            .filter_map(|&p| self.median_at_floor(p, runtime, JUDGED_DELAY_MS))
            .min_by(f64::total_cmp)
    }

    /// The "Which primitive?" section of the page: how to read it, the chart, a table per
    /// semantic and where each example stands.
    pub(super) fn primitives_markdown(&self, out: &mut String) {
        if !self.alternatives_measured() {
            return;
        }
        let floor = short_count(self.floor_jobs());
        let _ = writeln!(out, "\n## Which primitive?\n");
        out.push_str(PRIMITIVES_READING);
        let _ = writeln!(
            out,
            "\n![Overhead per job of every primitive at N = {floor}, no delay, by semantic and \
             runtime; the examples' own in bold]({PRIMITIVES_CHART})\n"
        );
        for semantic in Semantic::ALL {
            let _ = writeln!(out, "\n### {}\n", semantic.title());
            let _ = write!(out, "| runtime | primitive | gives less |");
            for &jobs in &self.jobs {
                let _ = write!(out, " ns/job, N = {}, no delay |", short_count(jobs));
            }
            for &delay in self.delays_ms.iter().filter(|&&d| d > 0) {
                let _ = write!(out, " ns/job, N = {floor}, {delay} ms |");
            }
            let _ = writeln!(
                out,
                " x fastest at {floor} | bytes/job at {floor}, {} |",
                short_delay(self.delays_ms.last().copied().unwrap_or(0))
            );
            let _ = writeln!(
                out,
                "|---|---|---|{}{}---:|---:|",
                "---:|".repeat(self.jobs.len()),
                "---:|".repeat(self.delays_ms.iter().filter(|&&d| d > 0).count())
            );
            for runtime in Runtime::ALL {
                let rows = self.primitive_rows(semantic, runtime);
                let fastest = self.fastest(&rows, runtime);
                for pattern in rows {
                    let name = if pattern.is_alternative() {
                        format!("{} (`{}`)", pattern.primitive(runtime), pattern.as_str())
                    } else {
                        format!(
                            "**{}: the `{}` example**",
                            pattern.primitive(runtime),
                            pattern.as_str()
                        )
                    };
                    let _ = write!(
                        out,
                        "| {} | {name} | {} |",
                        runtime.as_str(),
                        pattern.lacks(runtime).unwrap_or("")
                    );
                    let contender = Contender::Rust(runtime);
                    for &jobs in &self.jobs {
                        let cell = self
                            .cost(self.key(contender, pattern, 0, jobs))
                            .map_or("-".into(), |s| {
                                format!("{} ({}–{})", ns(s.median), ns(s.min), ns(s.max))
                            });
                        let _ = write!(out, " {cell} |");
                    }
                    for &delay in self.delays_ms.iter().filter(|&&d| d > 0) {
                        let cost = self.median_at_floor(pattern, runtime, delay);
                        let _ = write!(out, " {} |", cost.map_or("-".into(), ns));
                    }
                    let own = self.median_at_floor(pattern, runtime, JUDGED_DELAY_MS);
                    let x = own.zip(fastest).map(|(own, fastest)| own / fastest);
                    let delay = self.delays_ms.last().copied().unwrap_or(0);
                    let memory =
                        self.memory(self.key(contender, pattern, delay, self.floor_jobs()));
                    let _ = writeln!(
                        out,
                        " {} | {} |",
                        x.map_or("-".into(), ratio),
                        memory.map_or("-".into(), |m| format!("{:.0}", m.median))
                    );
                }
            }
        }
        let _ = writeln!(out, "\n### Where each example stands\n");
        for standing in self.standings() {
            let _ = writeln!(out, "- {}.", standing.sentence());
        }
    }

    /// The "Why this primitive" block of an example's README, made from this run: where it
    /// stands on each runtime. `None` if it was not measured beside any alternative.
    pub fn why_this_primitive(&self, pattern: Pattern) -> Option<String> {
        let standings: Vec<Standing> = Runtime::ALL
            .into_iter()
            .filter_map(|runtime| self.standing(pattern, runtime))
            .collect();
        if standings.is_empty() {
            return None;
        }
        let mut out = String::new();
        let _ = writeln!(
            out,
            "What each version of this example pays for its primitive, against every other \
             way to get the same results on its runtime: the median cost per job at N = {} \
             with no delay, from `docs/benchmarks.md` (\"Which primitive?\", generated by \
             `cargo run --release -p bench`, {}; {} cores).\n",
            short_count(self.floor_jobs()),
            self.machine.date,
            self.machine.cores
        );
        for standing in standings {
            let _ = writeln!(out, "- {}.", standing.sentence());
        }
        Some(out)
    }

    /// The chart: one bar per primitive, its median cost per job at 100 000 jobs with no
    /// delay, grouped by semantic and runtime, the examples' own in bold.
    pub fn primitives_svg(&self) -> String {
        const ROW: f64 = 17.0;
        const LABEL: f64 = 400.0;
        const BAR: f64 = 330.0;
        const WIDTH: f64 = LABEL + BAR + 70.0;
        // Each semantic and runtime with what was measured: each primitive and its cost.
        type Bars = Vec<(Pattern, f64)>;
        let mut rows: Vec<(Semantic, Runtime, Bars)> = Vec::new();
        for semantic in Semantic::ALL {
            for runtime in Runtime::ALL {
                let costs: Vec<(Pattern, f64)> = self
                    .primitive_rows(semantic, runtime)
                    .into_iter()
                    .filter_map(|p| Some((p, self.median_at_floor(p, runtime, JUDGED_DELAY_MS)?)))
                    .collect();
                if !costs.is_empty() {
                    rows.push((semantic, runtime, costs));
                }
            }
        }
        let bars: usize = rows.iter().map(|(_, _, costs)| costs.len()).sum();
        let headings = Semantic::ALL.len() as f64;
        let height = 60.0 + headings * 26.0 + rows.len() as f64 * 8.0 + bars as f64 * ROW + 10.0;
        let most = rows
            .iter()
            .flat_map(|(_, _, costs)| costs.iter().map(|&(_, c)| c))
            .fold(1.0, f64::max);
        let mut svg = String::new();
        let _ = writeln!(
            svg,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH:.0}" height="{height:.0}" viewBox="0 0 {WIDTH:.0} {height:.0}" font-family="sans-serif" font-size="11">"#
        );
        let _ = writeln!(svg, r#"<rect width="100%" height="100%" fill="white"/>"#);
        let _ = writeln!(
            svg,
            r#"<text x="12" y="20" font-size="15" font-weight="bold">Which primitive? Overhead per job (ns) at N = {}, no delay</text>"#,
            short_count(self.floor_jobs())
        );
        let _ = writeln!(
            svg,
            r##"<text x="12" y="36" fill="#555">medians of each run's process; {} cores, {}; shorter is cheaper; the examples' own primitives in bold</text>"##,
            self.machine.cores,
            xml(&self.machine.cpu)
        );
        let mut y = 50.0;
        let mut last = None;
        for (semantic, runtime, costs) in rows {
            if last != Some(semantic) {
                y += 18.0;
                let _ = writeln!(
                    svg,
                    r#"<text x="12" y="{y:.1}" font-size="13" font-weight="bold">{}</text>"#,
                    xml(semantic.title())
                );
                y += 8.0;
                last = Some(semantic);
            }
            y += 8.0;
            let (colour, _) = Contender::Rust(runtime).style();
            for (pattern, cost) in costs {
                y += ROW;
                let weight = if pattern.is_alternative() {
                    "normal"
                } else {
                    "bold"
                };
                let label = format!("{}: {}", runtime.as_str(), plain_name(pattern, runtime));
                let width = cost / most * BAR;
                let _ = writeln!(
                    svg,
                    r#"<text x="{:.1}" y="{:.1}" text-anchor="end" font-weight="{weight}">{}</text><rect x="{LABEL:.1}" y="{:.1}" width="{width:.1}" height="{:.1}" fill="{colour}"/><text x="{:.1}" y="{:.1}">{}</text>"#,
                    LABEL - 6.0,
                    y - 4.0,
                    xml(&label),
                    y - ROW + 4.0,
                    ROW - 5.0,
                    LABEL + width + 4.0,
                    y - 4.0,
                    ns(cost)
                );
            }
        }
        svg.push_str("</svg>\n");
        svg
    }
}

/// A row's name without Markdown, for the terminal and the chart: the primitive, and for
/// an example its pattern, as `JoinSet (gather)`.
fn plain_name(pattern: Pattern, runtime: Runtime) -> String {
    let primitive = pattern.primitive(runtime).replace('`', "");
    if pattern.is_alternative() {
        primitive
    } else {
        format!("{primitive} ({})", pattern.as_str())
    }
}

/// The chart's file, relative to `docs/`.
pub const PRIMITIVES_CHART: &str = "img/bench-primitives.svg";

/// How to read the "Which primitive?" section.
const PRIMITIVES_READING: &str = "\
The examples each chose one primitive for their semantic. These tables measure every other \
idiomatic way to get the same results on the same runtime (`crates/bench/src/alternatives/`: \
a small function each, tested to return what the example returns on the same jobs), in the \
same run, on the same job, in the same way as the patterns above. The examples' own rows \
are in bold; **gives less** says what an alternative lacks against the example, which is \
why a cheaper one may not be the better choice. Each example is held to the fastest \
alternative that gives the same, at N = 100 000 with no delay (the pure cost of spawning \
and joining; with a delay the timer adds its own noise). smol is measured as it runs by \
default (one executor thread); the patterns' tables above show what more threads change. \
async-std is discontinued upstream (its maintainers point to smol): its rows are there for \
those who run it and need to migrate.
";
