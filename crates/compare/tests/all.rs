//! `compare --all` finds no unexplained disagreement: every pattern and scenario, run on
//! tokio, async-std, smol and CPython (when python3 3.11+ is there) with the same jobs,
//! agrees on everything the contract fixes, except where a documented runtime difference
//! explains it.
//!
//! The delays are real but at least 100 ms apart and 100 ms from any deadline, and the
//! cases run eight at a time (their jobs only sleep), so this takes well under a minute.

use compare::{Comparison, all};

#[test]
fn every_pattern_and_scenario_agrees_or_the_difference_is_documented() {
    let cases = all::cases();
    let patterns: Vec<&str> = cases.iter().map(|c| c.pattern.as_str()).collect();
    compare::build(&patterns).expect("the examples build");
    let comparisons = all::run(&cases, 8, &|_| {});
    assert_eq!(comparisons.len(), cases.len());

    let problems: Vec<String> = comparisons
        .iter()
        .flat_map(Comparison::unexplained)
        .collect();
    assert!(problems.is_empty(), "unexplained: {problems:#?}");

    // Every pattern is covered, and `forgotten` shows the documented difference.
    for (pattern, _) in contract::examples() {
        assert!(
            patterns.contains(&pattern.as_str()),
            "{pattern} has no case"
        );
    }
    let forgotten = comparisons
        .iter()
        .find(|c| c.case.scenario == "forgotten")
        .expect("a forgotten case");
    assert!(
        forgotten
            .disagreements()
            .iter()
            .all(|d| d.explanation.is_some())
    );

    // The page it writes says so.
    let page = all::markdown(&comparisons);
    assert!(page.contains("unexplained: 0."), "{page}");
}
