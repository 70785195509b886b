//! What a run of the kit found: one [`CaseReport`] per case that ran.

use std::any::Any;
use std::fmt;
use std::time::Duration;

/// Why a case failed: the check that did not hold, with the values it saw, and where in this
/// crate that check is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    message: String,
    file: &'static str,
    line: u32,
}

impl Failure {
    pub(crate) fn new(message: String, file: &'static str, line: u32) -> Self {
        Self {
            message,
            file,
            line,
        }
    }

    /// A case that panicked (the transport, or the client underneath it): the panic's message.
    pub(crate) fn panicked(payload: &(dyn Any + Send)) -> Self {
        let text = payload
            .downcast_ref::<&str>()
            .map(|text| (*text).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".to_owned());
        Self::new(format!("panicked: {text}"), file!(), line!())
    }

    /// What went wrong.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The source file of the check that failed (one of this crate's).
    pub fn file(&self) -> &'static str {
        self.file
    }

    /// The line of the check that failed.
    pub fn line(&self) -> u32 {
        self.line
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at {}:{})", self.message, self.file, self.line)
    }
}

impl std::error::Error for Failure {}

/// How one case went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseReport {
    name: &'static str,
    elapsed: Duration,
    failure: Option<Failure>,
}

impl CaseReport {
    pub(crate) fn new(name: &'static str, elapsed: Duration, failure: Option<Failure>) -> Self {
        Self {
            name,
            elapsed,
            failure,
        }
    }

    /// The case's name, one of [`CASES`](crate::CASES); it starts with the rule it checks
    /// (`r5_`, `r6_`, `r9_`, …).
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Whether every check of the case held.
    pub fn passed(&self) -> bool {
        self.failure.is_none()
    }

    /// The first check that did not hold; `None` if the case passed.
    pub fn failure(&self) -> Option<&Failure> {
        self.failure.as_ref()
    }

    /// How long the case took.
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }
}

impl fmt::Display for CaseReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let millis = self.elapsed.as_millis();
        match &self.failure {
            None => write!(f, "ok     {} ({millis} ms)", self.name),
            Some(failure) => write!(f, "FAILED {} ({millis} ms): {failure}", self.name),
        }
    }
}

/// The result of a run: every case that ran, in the order of [`CASES`](crate::CASES).
///
/// Its `Display` lists the cases, failures with their message, and a summary line;
/// [`Report::assert_passed`] fails a test with that text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    cases: Vec<CaseReport>,
}

impl Report {
    pub(crate) fn push(&mut self, case: CaseReport) {
        self.cases.push(case);
    }

    /// Every case that ran.
    pub fn cases(&self) -> &[CaseReport] {
        &self.cases
    }

    /// The cases that failed.
    pub fn failures(&self) -> impl Iterator<Item = &CaseReport> {
        self.cases.iter().filter(|case| !case.passed())
    }

    /// The report of case `name`, if it ran.
    pub fn case(&self, name: &str) -> Option<&CaseReport> {
        self.cases.iter().find(|case| case.name == name)
    }

    /// Whether at least one case ran and every case that ran passed. A run whose selection
    /// matched no case has not passed: a misspelt filter must not look like success.
    pub fn passed(&self) -> bool {
        !self.cases.is_empty() && self.cases.iter().all(CaseReport::passed)
    }

    /// Panics with the whole report unless [`Report::passed`]: the assertion for a test.
    ///
    /// ```no_run
    /// # async fn demo<T: idenfy::Transport>(transport: impl Fn() -> T) {
    /// idenfy_conformance::run(transport).await.assert_passed();
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// If a case failed or no case ran; the message names each failed case and its failure.
    #[track_caller]
    #[allow(
        clippy::panic,
        reason = "a test assertion: failing the calling test is its whole job"
    )]
    pub fn assert_passed(&self) {
        if !self.passed() {
            panic!("the transport does not conform:\n{self}");
        }
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.cases.is_empty() {
            return f.write_str("conformance kit: no case ran (the selection matched none)");
        }
        // Failures first, so that they lead a long report.
        for case in self.failures() {
            writeln!(f, "{case}")?;
        }
        for case in self.cases.iter().filter(|case| case.passed()) {
            writeln!(f, "{case}")?;
        }
        let failed = self.failures().count();
        write!(
            f,
            "conformance kit: {} of {} cases passed, {failed} failed",
            self.cases.len() - failed,
            self.cases.len()
        )
    }
}
