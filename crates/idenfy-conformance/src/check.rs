//! The checks a case makes: `assert!` and friends, returning a [`Failure`](crate::Failure)
//! instead of panicking, so that one case's failure ends that case only and lands in the
//! report.

/// Ends the case with a failure: `fail!("format", args…)`.
macro_rules! fail {
    ($($message:tt)+) => {
        return Err($crate::report::Failure::new(format!($($message)+), file!(), line!()))
    };
}

/// `assert!`: `check!(condition)` or `check!(condition, "format", args…)`.
macro_rules! check {
    ($condition:expr $(,)?) => {
        if !$condition {
            fail!("check failed: {}", stringify!($condition));
        }
    };
    ($condition:expr, $($message:tt)+) => {
        if !$condition {
            fail!("check failed: {}: {}", stringify!($condition), format_args!($($message)+));
        }
    };
}

/// `assert_eq!`: `check_eq!(left, right)` or `check_eq!(left, right, "format", args…)`.
macro_rules! check_eq {
    ($left:expr, $right:expr $(,)?) => {
        match (&$left, &$right) {
            (left, right) => {
                if !(*left == *right) {
                    fail!(
                        "{} == {} does not hold:\n  left: {:?}\n right: {:?}",
                        stringify!($left),
                        stringify!($right),
                        left,
                        right
                    );
                }
            }
        }
    };
    ($left:expr, $right:expr, $($message:tt)+) => {
        match (&$left, &$right) {
            (left, right) => {
                if !(*left == *right) {
                    fail!(
                        "{} == {} does not hold: {}\n  left: {:?}\n right: {:?}",
                        stringify!($left),
                        stringify!($right),
                        format_args!($($message)+),
                        left,
                        right
                    );
                }
            }
        }
    };
}

/// `.unwrap()` of a `Result` whose error is `Debug`: the value, or a failure naming the
/// expression and the error.
macro_rules! ok {
    ($result:expr $(,)?) => {
        match $result {
            Ok(value) => value,
            Err(error) => fail!("{} failed: {:?}", stringify!($result), error),
        }
    };
}

/// `.expect(…)` of an `Option`: the value, or a failure naming what was missing.
macro_rules! some {
    ($option:expr, $($message:tt)+) => {
        match $option {
            Some(value) => value,
            None => fail!("{}: {} is None", format_args!($($message)+), stringify!($option)),
        }
    };
}
