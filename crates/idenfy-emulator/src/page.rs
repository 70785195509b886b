//! Paged, filtered lists of verifications and delivery attempts: what
//! `GET /__emulator/verifications` and `GET /__emulator/webhooks` answer, and their Rust twins
//! [`Emulator::verifications_page`](crate::Emulator::verifications_page) and
//! [`Emulator::deliveries_page`](crate::Emulator::deliveries_page).

use idenfy_proto::{EventType, OverallStatus, Rule, ValidationError};

use crate::delivery::DeliveryFilter;
use crate::state::Filter;

/// The page size when none is asked for.
pub const DEFAULT_PER_PAGE: usize = 50;

/// The largest page size: a page of delivery attempts (bodies of a few KiB each) stays under
/// about a megabyte.
pub const MAX_PER_PAGE: usize = 200;

/// One page of a list, oldest first, with how many items the filter selects on every page
/// together (`count`, as in iDenfy's own paged lists).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Page<T> {
    /// How many items the filter selects, on all pages.
    pub count: usize,
    /// This page's number, from 1.
    pub page: usize,
    /// The page size asked for.
    pub per_page: usize,
    /// The items on this page (none past the last page).
    pub results: Vec<T>,
}

impl<T> Page<T> {
    /// Whether a later page holds more items.
    pub fn has_next(&self) -> bool {
        self.page.saturating_mul(self.per_page) < self.count
    }

    /// Whether this is not the first page.
    pub fn has_previous(&self) -> bool {
        self.page > 1
    }
}

/// The checks both queries share: `page` from 1, `perPage` from 1 to [`MAX_PER_PAGE`].
fn check_paging(page: usize, per_page: usize) -> Result<(), ValidationError> {
    let as_i64 = |value: usize| i64::try_from(value).unwrap_or(i64::MAX);
    if page == 0 {
        return Err(ValidationError::new(
            "page",
            Rule::Range {
                min: 1,
                max: i64::MAX,
                actual: 0,
            },
        ));
    }
    if !(1..=MAX_PER_PAGE).contains(&per_page) {
        return Err(ValidationError::new(
            "perPage",
            Rule::Range {
                min: 1,
                max: as_i64(MAX_PER_PAGE),
                actual: as_i64(per_page),
            },
        ));
    }
    Ok(())
}

/// Which verifications to list, and which page: every filter given must hold.
///
/// ```
/// use idenfy_emulator::VerificationQuery;
/// use idenfy_proto::OverallStatus;
/// let query = VerificationQuery::new()
///     .status(OverallStatus::Expired)
///     .client_id("customer-42")
///     .page(2)
///     .per_page(100);
/// assert_eq!(query.page, 2);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct VerificationQuery {
    /// The page, from 1 (the first by default).
    pub page: usize,
    /// The page size, 1 to [`MAX_PER_PAGE`] ([`DEFAULT_PER_PAGE`] by default).
    pub per_page: usize,
    /// Only verifications with this status.
    pub status: Option<OverallStatus>,
    /// Only verifications of this `clientId`.
    pub client_id: Option<String>,
    /// Only the verification with this `scanRef`.
    pub scan_ref: Option<String>,
}

impl Default for VerificationQuery {
    fn default() -> Self {
        Self {
            page: 1,
            per_page: DEFAULT_PER_PAGE,
            status: None,
            client_id: None,
            scan_ref: None,
        }
    }
}

impl VerificationQuery {
    /// The first page of every verification.
    pub fn new() -> Self {
        Self::default()
    }

    /// The page, from 1.
    pub fn page(mut self, page: usize) -> Self {
        self.page = page;
        self
    }

    /// The page size, 1 to [`MAX_PER_PAGE`].
    pub fn per_page(mut self, per_page: usize) -> Self {
        self.per_page = per_page;
        self
    }

    /// Only verifications with `status`.
    pub fn status(mut self, status: OverallStatus) -> Self {
        self.status = Some(status);
        self
    }

    /// Only verifications of `client_id`.
    pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
        self.client_id = Some(client_id.into());
        self
    }

    /// Only the verification `scan_ref`.
    pub fn scan_ref(mut self, scan_ref: impl Into<String>) -> Self {
        self.scan_ref = Some(scan_ref.into());
        self
    }

    /// Checks the paging; errors name `page` or `perPage`.
    pub(crate) fn check(&self) -> Result<(), ValidationError> {
        check_paging(self.page, self.per_page)
    }

    pub(crate) fn filter(&self) -> Filter {
        Filter {
            status: self.status.clone(),
            client_id: self.client_id.clone(),
            scan_ref: self.scan_ref.clone(),
        }
    }
}

/// Which delivery attempts to list, and which page: every filter given must hold.
///
/// ```
/// use idenfy_emulator::DeliveryQuery;
/// use idenfy_proto::EventType;
/// let query = DeliveryQuery::new().event_type(EventType::IdentificationExpired).per_page(10);
/// assert_eq!(query.per_page, 10);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeliveryQuery {
    /// The page, from 1 (the first by default).
    pub page: usize,
    /// The page size, 1 to [`MAX_PER_PAGE`] ([`DEFAULT_PER_PAGE`] by default).
    pub per_page: usize,
    /// Only attempts for the verification with this `scanRef`.
    pub scan_ref: Option<String>,
    /// Only attempts of this event.
    pub event_type: Option<EventType>,
}

impl Default for DeliveryQuery {
    fn default() -> Self {
        Self {
            page: 1,
            per_page: DEFAULT_PER_PAGE,
            scan_ref: None,
            event_type: None,
        }
    }
}

impl DeliveryQuery {
    /// The first page of every attempt kept.
    pub fn new() -> Self {
        Self::default()
    }

    /// The page, from 1.
    pub fn page(mut self, page: usize) -> Self {
        self.page = page;
        self
    }

    /// The page size, 1 to [`MAX_PER_PAGE`].
    pub fn per_page(mut self, per_page: usize) -> Self {
        self.per_page = per_page;
        self
    }

    /// Only attempts for the verification `scan_ref`.
    pub fn scan_ref(mut self, scan_ref: impl Into<String>) -> Self {
        self.scan_ref = Some(scan_ref.into());
        self
    }

    /// Only attempts of `event_type`.
    pub fn event_type(mut self, event_type: EventType) -> Self {
        self.event_type = Some(event_type);
        self
    }

    /// Checks the paging; errors name `page` or `perPage`.
    pub(crate) fn check(&self) -> Result<(), ValidationError> {
        check_paging(self.page, self.per_page)
    }

    pub(crate) fn filter(&self) -> DeliveryFilter {
        DeliveryFilter {
            scan_ref: self.scan_ref.clone(),
            event_type: self.event_type.clone(),
        }
    }
}

/// The first item of `page` (from 1) of `per_page`.
pub(crate) fn offset(page: usize, per_page: usize) -> usize {
    page.saturating_sub(1).saturating_mul(per_page)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn paging_is_checked_and_pages_know_their_neighbours() {
        assert!(VerificationQuery::new().check().is_ok());
        assert_eq!(
            VerificationQuery::new()
                .page(0)
                .check()
                .unwrap_err()
                .field(),
            "page"
        );
        let too_big = DeliveryQuery::new().per_page(MAX_PER_PAGE + 1).check();
        assert_eq!(too_big.unwrap_err().field(), "perPage");
        assert!(DeliveryQuery::new().per_page(0).check().is_err());
        let page = Page::<u8> {
            count: 101,
            page: 2,
            per_page: 50,
            results: Vec::new(),
        };
        assert!(page.has_next() && page.has_previous());
        let last = Page::<u8> { page: 3, ..page };
        assert!(!last.has_next());
        assert_eq!(offset(3, 50), 100);
        assert_eq!(offset(usize::MAX, usize::MAX), usize::MAX);
    }
}
