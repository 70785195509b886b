//! The listing of identifications, every page of it (R13): a [`Stream`] for the async client and
//! an [`Iterator`] for the blocking one, both driving the protocol's
//! [`IdentificationPager`], which checks each page and each `next` link.
//!
//! Each page is one call of the client (with its retries and timeouts, R9). The first error —
//! of a call, of a page the pager refuses, or of a `next` link it will not follow (given after
//! that page's identifications) — is yielded, and the listing ends after it.

use std::future::Future;
use std::iter::FusedIterator;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::{FusedStream, Stream};
use idenfy_proto::{
    Config, Error, Identification, IdentificationPage, IdentificationPager, IdentificationsRequest,
};

/// The pages of a listing, each fetched by `fetch` (a call of the async client).
pub(crate) struct Pages<'a, F, Fut> {
    config: &'a Config,
    pager: IdentificationPager,
    fetch: F,
    /// The call under way. Boxed, so that the stream stays `Unpin` with no unsafe pinning; one
    /// allocation per page.
    pending: Option<Pin<Box<Fut>>>,
}

impl<'a, F, Fut> Pages<'a, F, Fut>
where
    F: FnMut(IdentificationsRequest) -> Fut,
    Fut: Future<Output = Result<IdentificationPage, Error>>,
{
    pub(crate) fn new(config: &'a Config, first: IdentificationsRequest, fetch: F) -> Self {
        Self {
            config,
            pager: IdentificationPager::new(first),
            fetch,
            pending: None,
        }
    }
}

impl<F, Fut> Stream for Pages<'_, F, Fut>
where
    F: FnMut(IdentificationsRequest) -> Fut + Unpin,
    Fut: Future<Output = Result<IdentificationPage, Error>>,
{
    type Item = Result<IdentificationPage, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let pending = match &mut this.pending {
            Some(pending) => pending,
            None => match this.pager.take_request() {
                None => return Poll::Ready(None),
                // The last page's `next` link is refused: the listing ends with that error.
                Some(Err(error)) => return Poll::Ready(Some(Err(error))),
                Some(Ok(request)) => this.pending.insert(Box::pin((this.fetch)(request))),
            },
        };
        let Poll::Ready(result) = pending.as_mut().poll(cx) else {
            return Poll::Pending;
        };
        this.pending = None;
        // A failed call leaves the pager with no next request: the listing is over.
        Poll::Ready(Some(result.and_then(|page| {
            this.pager.advance(this.config, &page)?;
            Ok(page)
        })))
    }
}

impl<F, Fut> FusedStream for Pages<'_, F, Fut>
where
    F: FnMut(IdentificationsRequest) -> Fut + Unpin,
    Fut: Future<Output = Result<IdentificationPage, Error>>,
{
    fn is_terminated(&self) -> bool {
        self.pending.is_none() && self.pager.is_done()
    }
}

/// The identifications of a stream of pages, one by one.
pub(crate) struct Items<P> {
    pages: P,
    buffered: std::vec::IntoIter<Identification>,
    done: bool,
}

impl<P> Items<P> {
    pub(crate) fn new(pages: P) -> Self {
        Self {
            pages,
            buffered: Vec::new().into_iter(),
            done: false,
        }
    }

    /// The next identification of a page, or what ends the walk: the next page to ask for
    /// (`None`), an error, or the end.
    fn next_step(
        &mut self,
        page: Option<Result<IdentificationPage, Error>>,
    ) -> Option<Result<Identification, Error>> {
        match page {
            None => {
                self.done = true;
                None
            }
            Some(Err(error)) => {
                self.done = true;
                Some(Err(error))
            }
            Some(Ok(page)) => {
                self.buffered = page.results.unwrap_or_default().into_iter();
                self.buffered.next().map(Ok)
            }
        }
    }
}

impl<P> Stream for Items<P>
where
    P: Stream<Item = Result<IdentificationPage, Error>> + Unpin,
{
    type Item = Result<Identification, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        // Each round either yields, or fetched a page whose results were empty — which the pager
        // allows only on the last page, so this loop turns at most twice.
        loop {
            if let Some(item) = this.buffered.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            if this.done {
                return Poll::Ready(None);
            }
            let Poll::Ready(page) = Pin::new(&mut this.pages).poll_next(cx) else {
                return Poll::Pending;
            };
            if let Some(step) = this.next_step(page) {
                return Poll::Ready(Some(step));
            }
            if this.done {
                return Poll::Ready(None);
            }
        }
    }
}

impl<P> FusedStream for Items<P>
where
    P: Stream<Item = Result<IdentificationPage, Error>> + Unpin,
{
    fn is_terminated(&self) -> bool {
        self.done && self.buffered.len() == 0
    }
}

/// The pages of a listing, each fetched by `fetch` (a call of the blocking client).
pub(crate) struct PagesIter<'a, F> {
    config: &'a Config,
    pager: IdentificationPager,
    fetch: F,
}

impl<'a, F> PagesIter<'a, F>
where
    F: FnMut(IdentificationsRequest) -> Result<IdentificationPage, Error>,
{
    pub(crate) fn new(config: &'a Config, first: IdentificationsRequest, fetch: F) -> Self {
        Self {
            config,
            pager: IdentificationPager::new(first),
            fetch,
        }
    }
}

impl<F> Iterator for PagesIter<'_, F>
where
    F: FnMut(IdentificationsRequest) -> Result<IdentificationPage, Error>,
{
    type Item = Result<IdentificationPage, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        // An error here is the last page's `next` link refused: the listing ends with it.
        let request = match self.pager.take_request()? {
            Ok(request) => request,
            Err(error) => return Some(Err(error)),
        };
        // A failed call leaves the pager with no next request: the listing is over.
        Some((self.fetch)(request).and_then(|page| {
            self.pager.advance(self.config, &page)?;
            Ok(page)
        }))
    }
}

impl<F> FusedIterator for PagesIter<'_, F> where
    F: FnMut(IdentificationsRequest) -> Result<IdentificationPage, Error>
{
}

impl<P> Iterator for Items<P>
where
    P: Iterator<Item = Result<IdentificationPage, Error>>,
{
    type Item = Result<Identification, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        // As for the stream: at most two rounds per call.
        loop {
            if let Some(item) = self.buffered.next() {
                return Some(Ok(item));
            }
            if self.done {
                return None;
            }
            let page = self.pages.next();
            if let Some(step) = self.next_step(page) {
                return Some(step);
            }
            if self.done {
                return None;
            }
        }
    }
}

impl<P> FusedIterator for Items<P> where P: Iterator<Item = Result<IdentificationPage, Error>> {}
