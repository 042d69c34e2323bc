//! Each job's life as a bar on a time axis shared by every runtime: from `started` to
//! `finished`, `failed`, `panicked` or `cancelled`, with the cleanup steps marked, one
//! block per runtime; in `queue`, each bar names the worker that ran the job, and in
//! `bounded` a mark shows when the job was put on the queue, and how long it waited there.
//! Drawn as text for the terminal and as a hand-written SVG.

use std::collections::HashMap;
use std::fmt::Write as _;

use shared::{EventKind, Report};

use crate::{COLUMNS, Comparison, end_ms};

/// One job's bar: when it started and ended (`None`: still running at exit), how it
/// ended, and its cleanup steps.
#[derive(Clone, Debug)]
pub struct Bar {
    /// The job.
    pub job: usize,
    /// `started` (the job's first event but `queued`), in milliseconds.
    pub start: f64,
    /// The terminal event's time and kind, if there is one.
    pub end: Option<(f64, EventKind)>,
    /// Cleanup steps (`cleanup-started`, `cleanup-finished`, `finally`) and their times.
    pub marks: Vec<(f64, EventKind)>,
    /// The worker that ran the job (`queue`).
    pub worker: Option<usize>,
    /// When the producer's put of the job returned (`queue`'s `bounded`): from then until
    /// `start`, the job waited on the queue for a free worker.
    pub queued: Option<f64>,
}

/// The bars of a report's jobs, in job order (jobs that never started have none). One
/// pass over the events, each job's bar found by its index.
pub fn bars(report: &Report) -> Vec<Bar> {
    let mut bars: Vec<Bar> = Vec::new();
    let mut index: HashMap<usize, usize> = HashMap::new();
    // A job is queued before it starts: its bar begins at its next event.
    let mut queued: HashMap<usize, f64> = HashMap::new();
    for event in &report.events {
        if event.event == EventKind::Queued {
            queued.insert(event.job, event.t_ms);
            continue;
        }
        let at = *index.entry(event.job).or_insert_with(|| {
            bars.push(Bar {
                job: event.job,
                start: event.t_ms,
                end: None,
                marks: Vec::new(),
                worker: None,
                queued: queued.remove(&event.job),
            });
            bars.len() - 1
        });
        let bar = &mut bars[at];
        bar.worker = bar.worker.or(event.worker);
        if event.event.is_terminal() {
            bar.end = Some((event.t_ms, event.event));
        } else if crate::is_cleanup(event.event) {
            bar.marks.push((event.t_ms, event.event));
        }
    }
    bars.sort_by_key(|b| b.job);
    bars
}

/// Where a job cut short (cancelled, or still running at exit) would have ended had it
/// slept its whole delay: drawn as a faint remainder, so that a picture shows what a
/// cancellation took away.
pub fn planned_end(comparison: &Comparison, bar: &Bar) -> Option<f64> {
    let cut_short = matches!(bar.end, None | Some((_, EventKind::Cancelled)));
    let delay = comparison.case.config.delays.get(bar.job)?.as_secs_f64();
    cut_short.then_some(bar.start + delay * 1000.0)
}

/// A bar's label: the job's name, and the worker that ran it (`B w1`).
fn label(bar: &Bar) -> String {
    let name = shared::job_name(bar.job);
    match bar.worker {
        Some(worker) => format!("{name} w{worker}"),
        None => name,
    }
}

/// The shared axis: the latest moment in any column, in milliseconds, stretched to show
/// the remainders of jobs cut short (up to three times the latest moment).
fn axis_ms(comparison: &Comparison) -> f64 {
    let reports = || comparison.columns.iter().filter_map(|c| c.report());
    let latest = reports().map(end_ms).fold(1.0, f64::max);
    let planned = reports()
        .flat_map(bars)
        .filter_map(|bar| planned_end(comparison, &bar))
        .fold(latest, f64::max);
    planned.min(latest * 3.0)
}

/// The end-of-bar symbol of each final state, in the terminal.
fn symbol(kind: EventKind) -> char {
    match kind {
        EventKind::Finished => '✓',
        EventKind::Failed => '✗',
        EventKind::Panicked => '‼',
        EventKind::Cancelled => '⊘',
        EventKind::CleanupStarted => 'c',
        EventKind::CleanupFinished => 'C',
        EventKind::Finally | EventKind::Started => 'f',
        // Drawn before the bar (see `text`), never as one of its marks.
        EventKind::Queued => 'q',
    }
}

/// The legend shared by both drawings.
pub const LEGEND: &str = "━ running  ✓ finished  ✗ failed  ‼ panicked  ⊘ cancelled  ┄ the delay it did not sleep  → still running at exit  \
                          c cleanup started  C cleanup done  f finally  ▲ pattern returned";

/// The legend's line for a `queue` comparison.
pub const QUEUE_LEGEND: &str =
    "w1 the worker that ran the job  q put on the queue  · waiting on the queue for a worker";

/// The timelines as text, `width` characters of axis wide.
pub fn text(comparison: &Comparison, width: usize) -> String {
    let axis = axis_ms(comparison);
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    // Reason: t is in [0, axis], so the column is in [0, width].
    let col = |t: f64| ((t / axis * width as f64).round().max(0.0) as usize).min(width);
    let blocks: Vec<(&str, &Report, Vec<Bar>)> = comparison
        .columns
        .iter()
        .zip(COLUMNS)
        .filter_map(|(column, name)| column.report().map(|r| (name, r, bars(r))))
        .collect();
    // The labels' column, as wide as the widest label (`A`, or `A w0` in `queue`).
    let wide = blocks
        .iter()
        .flat_map(|(_, _, bars)| bars.iter().map(|bar| label(bar).chars().count()))
        .fold(3, usize::max);
    let margin = " ".repeat(wide + 3);
    let mut out = String::new();
    let _ = writeln!(out, "Timeline (0 to {axis:.0} ms, shared by every block):");
    for (name, report, bars) in blocks {
        let _ = writeln!(out, "{name} (returned at {:.1} ms)", report.elapsed_ms);
        for bar in bars {
            let mut line = vec![' '; width + 1];
            let start = col(bar.start);
            let (end, last) = match bar.end {
                Some((t, kind)) => (col(t), symbol(kind)),
                None => (width, '→'),
            };
            for cell in line.iter_mut().take(end).skip(start) {
                *cell = '━';
            }
            line[end] = last;
            if let Some(planned) = planned_end(comparison, &bar) {
                for cell in line.iter_mut().take(col(planned) + 1).skip(end + 1) {
                    *cell = '┄';
                }
            }
            // Marks that fall on the same column move left, so that each one shows.
            let mut limit = end;
            for (t, kind) in bar.marks.iter().rev() {
                let at = col(*t).min(limit.saturating_sub(1));
                line[at] = symbol(*kind);
                limit = at;
            }
            // The put on the queue, then the wait for a worker; on the bar's first cell
            // when the job waited for no one (unless the bar is no longer than its end).
            if let Some(queued) = bar.queued {
                let at = col(queued).min(start);
                if at < start || start < end {
                    for cell in line.iter_mut().take(start).skip(at + 1) {
                        *cell = '·';
                    }
                    line[at] = 'q';
                }
            }
            let line: String = line.into_iter().collect();
            let _ = writeln!(out, "  {:>wide$} │{}", label(&bar), line.trim_end());
        }
        let mut returned = vec![' '; width + 1];
        returned[col(report.elapsed_ms)] = '▲';
        let returned: String = returned.into_iter().collect();
        let _ = writeln!(out, "{margin}│{}", returned.trim_end());
    }
    let ms = format!("{axis:.0} ms");
    let _ = writeln!(
        out,
        "{margin}0{}{ms}",
        " ".repeat((width + 1).saturating_sub(1 + ms.len()))
    );
    let _ = writeln!(out, "{LEGEND}");
    if comparison.case.pattern == "queue" {
        let _ = writeln!(out, "{QUEUE_LEGEND}");
    }
    out
}

/// The colour of a bar that ended this way.
fn colour(end: Option<EventKind>) -> &'static str {
    match end {
        Some(EventKind::Finished) => "#43a047",
        Some(EventKind::Failed) => "#e53935",
        Some(EventKind::Panicked) => "#8e24aa",
        Some(EventKind::Cancelled) => "#9e9e9e",
        _ => "#fb8c00",
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A round step for about `ticks` ticks over `span` milliseconds: 1, 2 or 5 times a power
/// of ten.
fn tick_step(span: f64, ticks: f64) -> f64 {
    let raw = span / ticks;
    let power = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|step| *step >= raw)
        .unwrap_or(raw)
}

/// The picture's geometry: where time `t` (in milliseconds) falls.
struct Scale {
    axis: f64,
}

impl Scale {
    const WIDTH: f64 = 860.0;
    const LEFT: f64 = 90.0;
    const RIGHT: f64 = 30.0;
    const ROW: f64 = 18.0;

    fn x(&self, t: f64) -> f64 {
        Self::LEFT + t / self.axis * (Self::WIDTH - Self::LEFT - Self::RIGHT)
    }
}

/// One runtime's block: its name, a bar per job with its marks, and a dashed line where
/// the pattern returned. Returns the height used.
fn svg_block(
    body: &mut String,
    scale: &Scale,
    comparison: &Comparison,
    name: &str,
    report: &Report,
    top: f64,
) -> f64 {
    let x = |t: f64| scale.x(t);
    let mut y = top;
    let _ = writeln!(
        body,
        r#"<text x="10" y="{:.1}" class="runtime">{name}</text><text x="{}" y="{:.1}" class="note">returned at {:.1} ms</text>"#,
        y + 4.0,
        Scale::LEFT,
        y + 4.0,
        report.elapsed_ms
    );
    y += 12.0;
    for bar in bars(report) {
        let end = bar.end.map_or(scale.axis, |(t, _)| t);
        let kind = bar.end.map(|(_, k)| k);
        let planned = planned_end(comparison, &bar).filter(|p| *p > end);
        let name = shared::job_name(bar.job);
        let _ = writeln!(
            body,
            r#"<text x="{:.1}" y="{:.1}" class="job">{}</text>"#,
            Scale::LEFT - 8.0,
            y + 11.0,
            label(&bar),
        );
        if let Some(queued) = bar.queued {
            // The put on the queue (a hollow diamond), and a dotted line for the wait.
            let (qx, cy) = (x(queued), y + 8.0);
            if x(bar.start) - qx > 1.0 {
                let _ = writeln!(
                    body,
                    r##"<line x1="{qx:.1}" y1="{cy:.1}" x2="{:.1}" y2="{cy:.1}" stroke="#757575" stroke-dasharray="1,2"/>"##,
                    x(bar.start)
                );
            }
            let _ = writeln!(
                body,
                r##"<path d="M{qx:.1},{:.1} l4,4 l-4,4 l-4,-4 z" fill="white" stroke="#757575" stroke-width="1.5"><title>job {name} put on the queue at {queued:.1} ms</title></path>"##,
                cy - 4.0
            );
        }
        let _ = writeln!(
            body,
            r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="10" rx="2" fill="{}"><title>job {name}: {} ({:.1} to {:.1} ms)</title></rect>"#,
            x(bar.start),
            y + 3.0,
            (x(end) - x(bar.start)).max(1.5),
            colour(kind),
            kind.map_or("still running at exit", EventKind::as_str),
            bar.start,
            end
        );
        if let Some(planned) = planned {
            let planned = planned.min(scale.axis);
            let _ = writeln!(
                body,
                r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="10" rx="2" fill="{}" fill-opacity="0.18" stroke="{}" stroke-opacity="0.5" stroke-dasharray="3,2"><title>job {name} would have slept until {planned:.1} ms</title></rect>"#,
                x(end),
                y + 3.0,
                (x(planned) - x(end)).max(0.0),
                colour(Some(EventKind::Finished)),
                colour(Some(EventKind::Finished)),
            );
        }
        let sign = match kind {
            Some(EventKind::Cancelled) => "⊘",
            None => "→",
            _ => "",
        };
        if !sign.is_empty() {
            let _ = writeln!(
                body,
                r#"<text x="{:.1}" y="{:.1}" class="end">{sign}</text>"#,
                x(end) + 2.0,
                y + 12.0
            );
        }
        for (t, mark) in &bar.marks {
            let (cx, cy) = (x(*t), y + 8.0);
            let shape = match mark {
                EventKind::CleanupStarted => {
                    format!(r##"<circle cx="{cx:.1}" cy="{cy:.1}" r="4" fill="#1e88e5"/>"##)
                }
                EventKind::CleanupFinished => format!(
                    r##"<circle cx="{cx:.1}" cy="{cy:.1}" r="4" fill="white" stroke="#1e88e5" stroke-width="2"/>"##
                ),
                _ => format!(
                    r#"<rect x="{:.1}" y="{:.1}" width="3" height="14" fill="black"/>"#,
                    cx - 1.5,
                    cy - 7.0
                ),
            };
            let _ = writeln!(body, "{shape}<!-- {} at {t:.1} ms -->", mark.as_str());
        }
        y += Scale::ROW;
    }
    let _ = writeln!(
        body,
        r##"<line x1="{0:.1}" y1="{top:.1}" x2="{0:.1}" y2="{1:.1}" stroke="#333" stroke-dasharray="3,3"/>"##,
        x(report.elapsed_ms),
        y
    );
    y - top
}

/// The shared time axis at height `y`, with round ticks.
fn svg_axis(body: &mut String, scale: &Scale, y: f64) {
    let x = |t: f64| scale.x(t);
    let _ = writeln!(
        body,
        r##"<line x1="{}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#333"/>"##,
        Scale::LEFT,
        x(scale.axis)
    );
    let step = tick_step(scale.axis, 8.0);
    let mut t = 0.0;
    while t <= scale.axis + 1e-9 {
        let _ = writeln!(
            body,
            r##"<line x1="{0:.1}" y1="{y:.1}" x2="{0:.1}" y2="{1:.1}" stroke="#333"/><text x="{0:.1}" y="{2:.1}" class="tick">{t:.0}</text>"##,
            x(t),
            y + 4.0,
            y + 16.0
        );
        t += step;
    }
    let _ = writeln!(
        body,
        r#"<text x="{:.1}" y="{:.1}" class="note">ms</text>"#,
        x(scale.axis) + 6.0,
        y + 16.0
    );
}

/// The legend, on two lines from height `y` (a third for a `queue` comparison).
fn svg_legend(body: &mut String, y: f64, queue: bool) {
    let legend = [
        ("#43a047", "finished"),
        ("#e53935", "failed"),
        ("#8e24aa", "panicked"),
        ("#9e9e9e", "cancelled ⊘"),
        ("#fb8c00", "running at exit →"),
        ("#c8e6c9", "the delay it did not sleep"),
    ];
    let mut lx = 10.0;
    for (fill, what) in legend {
        let _ = writeln!(
            body,
            r#"<rect x="{lx:.1}" y="{:.1}" width="14" height="10" rx="2" fill="{fill}"/><text x="{:.1}" y="{y:.1}" class="note">{what}</text>"#,
            y - 9.0,
            lx + 18.0
        );
        lx += 26.0 + 7.0 * what.chars().count() as f64;
    }
    // The marks, on a second line.
    let (lx, y) = (6.0, y + 18.0);
    let _ = writeln!(
        body,
        r##"<circle cx="{0:.1}" cy="{1:.1}" r="4" fill="#1e88e5"/><circle cx="{2:.1}" cy="{1:.1}" r="4" fill="white" stroke="#1e88e5" stroke-width="2"/><text x="{3:.1}" y="{y:.1}" class="note">cleanup started / done</text><rect x="{4:.1}" y="{5:.1}" width="3" height="12" fill="black"/><text x="{6:.1}" y="{y:.1}" class="note">finally</text><line x1="{7:.1}" y1="{5:.1}" x2="{7:.1}" y2="{8:.1}" stroke="#333" stroke-dasharray="3,3"/><text x="{9:.1}" y="{y:.1}" class="note">returned</text>"##,
        lx + 4.0,
        y - 4.0,
        lx + 16.0,
        lx + 26.0,
        lx + 190.0,
        y - 10.0,
        lx + 198.0,
        lx + 255.0,
        y + 2.0,
        lx + 261.0
    );
    if queue {
        let y = y + 18.0;
        let _ = writeln!(
            body,
            r##"<text x="{lx:.1}" y="{y:.1}" class="note">A w1: job A, run by worker 1</text><path d="M{:.1},{:.1} l4,4 l-4,4 l-4,-4 z" fill="white" stroke="#757575" stroke-width="1.5"/><line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#757575" stroke-dasharray="1,2"/><text x="{:.1}" y="{y:.1}" class="note">put on the queue, then waiting for a worker</text>"##,
            lx + 190.0,
            y - 8.0,
            lx + 194.0,
            y - 4.0,
            lx + 224.0,
            y - 4.0,
            lx + 230.0,
        );
    }
}

/// The timelines as a self-contained SVG picture.
pub fn svg(comparison: &Comparison) -> String {
    let scale = Scale {
        axis: axis_ms(comparison),
    };
    let mut body = String::new();
    let mut y = 46.0;
    for (column, name) in comparison.columns.iter().zip(COLUMNS) {
        if let Some(report) = column.report() {
            y += svg_block(&mut body, &scale, comparison, name, report, y) + 14.0;
        }
    }
    svg_axis(&mut body, &scale, y);
    y += 34.0;
    let queue = comparison.case.pattern == "queue";
    svg_legend(&mut body, y, queue);
    let height = y + if queue { 50.0 } else { 32.0 };
    let width = Scale::WIDTH;
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height:.0}" viewBox="0 0 {width} {height:.0}" font-family="sans-serif">
<style>.title{{font-size:14px;font-weight:bold}} .runtime{{font-size:13px;font-weight:bold}} .job{{font-size:11px;text-anchor:end}} .note{{font-size:11px;fill:#555}} .tick{{font-size:10px;text-anchor:middle;fill:#555}} .end{{font-size:11px;fill:#555}}</style>
<rect width="100%" height="100%" fill="white"/>
<text x="10" y="22" class="title">{}</text>
{body}</svg>
"#,
        escape(&comparison.case.title())
    )
}
