//! The book's sample outputs (`docs/outputs/<package>.txt`) agree with fresh runs of the
//! examples in everything but timings, thread names and the order of events logged at the
//! same instant (see `contract::book_outputs` for exactly what is normalised, and why that
//! is enough); every example has the sample of its default run, and every sample runs an
//! example that exists.
//!
//! With `BOOK_OUTPUTS_WRITE=1` (what `scripts/book-outputs.sh` sets), the samples are
//! written from fresh runs instead, and nothing is checked.

use contract::book_outputs::{
    self, ATTEMPTS, Invocation, PARALLEL, REGENERATE, Sample, WRITE_VARIABLE,
};

/// Whether this run writes the samples instead of checking them.
fn writing() -> bool {
    std::env::var_os(WRITE_VARIABLE).is_some_and(|value| value == "1")
}

#[test]
fn every_example_has_a_sample_output_and_every_sample_an_example() {
    if writing() {
        // The other test is writing them at this moment.
        return;
    }
    let examples = contract::examples();
    assert!(!examples.is_empty(), "no example packages found");
    let problems = book_outputs::inventory_problems(&examples, &book_outputs::committed());
    assert!(problems.is_empty(), "{}\n{REGENERATE}", problems.join("\n"));
}

#[test]
fn every_sample_output_agrees_with_a_fresh_run() {
    let examples = contract::examples();
    if writing() {
        write_every_sample(&examples);
        return;
    }
    // A sample that cannot be read is named here, and by the inventory test above.
    let (samples, unreadable): (Vec<_>, Vec<_>) = book_outputs::files()
        .iter()
        .map(|path| Sample::read(path))
        .partition(Result::is_ok);
    let mut failures: Vec<String> = unreadable.into_iter().filter_map(Result::err).collect();
    let samples: Vec<Sample> = samples.into_iter().filter_map(Result::ok).collect();
    let results = contract::each(&samples, PARALLEL, |sample| {
        book_outputs::check(sample, &examples)
    });
    for (sample, result) in samples.iter().zip(results) {
        match result {
            Ok(1) => {}
            // Agreeing on a later run is a loaded machine's late timer; said, not failed.
            Ok(runs) => println!(
                "{} agreed on run {runs} of {ATTEMPTS}",
                book_outputs::relative(&sample.path)
            ),
            Err(err) => failures.push(err),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} samples disagree:\n\n{}",
        failures.len(),
        samples.len(),
        failures.join("\n\n")
    );
}

/// Writes every example's default-run sample, and rewrites every other sample from the
/// command on its first line; fails, after writing the rest, on a sample whose command
/// cannot run.
fn write_every_sample(examples: &[(String, String)]) {
    let dir = book_outputs::dir();
    std::fs::create_dir_all(&dir)
        .unwrap_or_else(|err| panic!("cannot create {}: {err}", dir.display()));
    let mut jobs: Vec<_> = examples
        .iter()
        .map(|(pattern, runtime)| {
            let package = format!("{pattern}-{runtime}");
            let run = Invocation::default_run(&package);
            (book_outputs::default_file(&package), Ok(run))
        })
        .collect();
    for path in book_outputs::files() {
        if !jobs.iter().any(|(wanted, _)| *wanted == path) {
            let run = Sample::read(&path).map(|sample| sample.invocation);
            jobs.push((path, run));
        }
    }
    let results = contract::each(&jobs, PARALLEL, |(path, run)| {
        let run = run.as_ref().map_err(Clone::clone)?;
        book_outputs::write(path, run, examples)?;
        Ok::<_, String>(book_outputs::relative(path))
    });
    let mut failures = Vec::new();
    for result in results {
        match result {
            Ok(path) => println!("wrote {path}"),
            Err(err) => failures.push(err),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
