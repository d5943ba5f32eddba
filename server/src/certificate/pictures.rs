//! Certificate pictures as the server hands them out: drawn at most a few at once (drawing takes
//! a core and several megabytes for tens of milliseconds), each drawn once and then kept, since
//! a certificate never changes, and named by an `ETag` a phone can ask again with.
//!
//! A crowd asking for one picture that is not kept yet waits for a single drawing of it; a
//! crowd asking for many different ones finds the drawing slots taken and is told to come back
//! (503 with `Retry-After`), rather than stacking drawings until the server runs out of memory.

use std::{
    collections::{HashMap, VecDeque},
    sync::{
        Arc, Mutex, PoisonError,
        atomic::{AtomicU64, Ordering},
    },
};

use sha2::{Digest, Sha256};
use tokio::sync::{OnceCell, Semaphore};

use super::{Facts, Painter, PictureError};

/// A drawn picture and its entity tag (quoted, as the header carries it).
#[derive(Clone, Debug)]
pub struct Picture {
    pub png: axum::body::Bytes,
    pub etag: String,
}

/// A picture to draw: the SVG the rasteriser is given, and the picture's entity tag.
pub struct Order {
    svg: String,
    pub etag: String,
}

/// Why a picture is not handed out now.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// Every drawing slot is taken: the caller should answer 503 with `Retry-After`.
    #[error("every drawing slot is busy")]
    Busy,
    #[error(transparent)]
    Picture(#[from] PictureError),
    #[error("the drawing task failed: {0}")]
    Task(String),
}

/// Limits chosen by configuration.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Pictures drawn at the same time, at most (at least 1).
    pub drawings: usize,
    /// Bytes of finished pictures kept, at most.
    pub kept_bytes: usize,
}

/// One drawing in progress, which every request for the same code waits on.
type Flight = Arc<OnceCell<Picture>>;

/// What is kept between requests, behind one lock so that "not kept yet" and "being drawn"
/// are decided together (no second drawing slips in between the two).
#[derive(Default)]
struct Shelf {
    kept: HashMap<String, Picture>,
    /// Codes from least to most recently used.
    order: VecDeque<String>,
    bytes: usize,
    /// Drawings in progress, by the entity tag of the picture they make.
    flights: HashMap<String, Flight>,
}

impl Shelf {
    /// The kept picture of `code`, if it is still the one `etag` names (a contest renamed since
    /// it was drawn needs a new one).
    fn take_out(&mut self, code: &str, etag: &str) -> Option<Picture> {
        let picture = self.kept.get(code).filter(|p| p.etag == etag)?.clone();
        self.touch(code);
        Some(picture)
    }

    fn touch(&mut self, code: &str) {
        if let Some(at) = self.order.iter().position(|c| c == code) {
            let code = self.order.remove(at).expect("the position was just found");
            self.order.push_back(code);
        }
    }

    /// Keeps a picture, putting away the least recently used ones past the budget; a picture
    /// larger than the whole budget is not kept.
    fn keep(&mut self, code: &str, picture: Picture, budget: usize) {
        if let Some(old) = self.kept.remove(code) {
            self.bytes -= old.png.len();
            self.order.retain(|c| c != code);
        }
        if picture.png.len() > budget {
            return;
        }
        while self.bytes + picture.png.len() > budget {
            let Some(oldest) = self.order.pop_front() else {
                break;
            };
            if let Some(gone) = self.kept.remove(&oldest) {
                self.bytes -= gone.png.len();
            }
        }
        self.bytes += picture.png.len();
        self.order.push_back(code.to_string());
        self.kept.insert(code.to_string(), picture);
    }
}

/// Hands out certificate pictures, drawing each at most once while it stays kept.
pub struct Pictures {
    painter: Arc<Painter>,
    slots: Arc<Semaphore>,
    kept_bytes: usize,
    shelf: Mutex<Shelf>,
    drawn: AtomicU64,
}

impl Pictures {
    pub fn new(painter: Arc<Painter>, limits: Limits) -> Pictures {
        Pictures {
            painter,
            slots: Arc::new(Semaphore::new(limits.drawings.max(1))),
            kept_bytes: limits.kept_bytes,
            shelf: Mutex::default(),
            drawn: AtomicU64::new(0),
        }
    }

    pub fn has_font(&self) -> bool {
        self.painter.has_font()
    }

    /// How many pictures this server has drawn since it started (each drawing, not each answer).
    pub fn drawn(&self) -> u64 {
        self.drawn.load(Ordering::Relaxed)
    }

    /// What the rasteriser will be given for a certificate, and the picture's entity tag,
    /// known without drawing it: the digest of that text and of the build that draws it.
    pub fn order(&self, facts: &Facts) -> Order {
        let svg = super::picture_svg(facts, self.painter.family());
        let mut digest = Sha256::new();
        digest.update(env!("CARGO_PKG_VERSION").as_bytes());
        digest.update([0]);
        digest.update(svg.as_bytes());
        let hex: String = digest.finalize()[..12]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        Order {
            svg,
            etag: format!("\"{hex}\""),
        }
    }

    /// The picture of the certificate `code`, kept or drawn now.
    pub async fn picture(self: &Arc<Self>, code: &str, order: Order) -> Result<Picture, Refusal> {
        let flight = {
            let mut shelf = self.shelf.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(picture) = shelf.take_out(code, &order.etag) {
                return Ok(picture);
            }
            // Keyed by the picture, not the code: a request for newer facts never waits for a
            // drawing of older ones.
            shelf.flights.entry(order.etag.clone()).or_default().clone()
        };
        let etag = order.etag.clone();
        let drawn = flight
            .get_or_try_init(|| self.draw(code.to_string(), order))
            .await
            .cloned();
        if drawn.is_err() {
            self.land(&etag, &flight);
        }
        drawn
    }

    /// Draws on a blocking thread, holding a slot until the drawing ends (even if every
    /// request that wanted it has gone); the picture is kept by that thread.
    async fn draw(self: &Arc<Self>, code: String, order: Order) -> Result<Picture, Refusal> {
        let slot = self
            .slots
            .clone()
            .try_acquire_owned()
            .map_err(|_| Refusal::Busy)?;
        let this = self.clone();
        tokio::task::spawn_blocking(move || {
            let png = this.painter.png_of(&order.svg);
            drop(slot);
            let picture = Picture {
                png: png?.into(),
                etag: order.etag,
            };
            this.drawn.fetch_add(1, Ordering::Relaxed);
            let mut shelf = this.shelf.lock().unwrap_or_else(PoisonError::into_inner);
            shelf.keep(&code, picture.clone(), this.kept_bytes);
            shelf.flights.remove(&picture.etag);
            Ok(picture)
        })
        .await
        .map_err(|e| Refusal::Task(e.to_string()))?
    }

    /// Forgets a flight that ended without a picture, so the next request tries afresh (unless
    /// a newer flight already took its place).
    fn land(&self, etag: &str, flight: &Flight) {
        let mut shelf = self.shelf.lock().unwrap_or_else(PoisonError::into_inner);
        if shelf
            .flights
            .get(etag)
            .is_some_and(|current| Arc::ptr_eq(current, flight))
        {
            shelf.flights.remove(etag);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn picture(bytes: usize) -> Picture {
        Picture {
            png: vec![0; bytes].into(),
            etag: String::new(),
        }
    }

    #[test]
    fn the_shelf_puts_away_the_least_recently_used_past_its_budget() {
        let mut shelf = Shelf::default();
        shelf.keep("A", picture(40), 100);
        shelf.keep("B", picture(40), 100);
        assert!(shelf.take_out("A", "").is_some(), "A used again");
        shelf.keep("C", picture(40), 100);
        assert!(
            shelf.take_out("B", "").is_none(),
            "B was the least recently used"
        );
        assert!(shelf.take_out("A", "").is_some() && shelf.take_out("C", "").is_some());
        assert_eq!(shelf.bytes, 80);
        shelf.keep("D", picture(101), 100);
        assert!(
            shelf.take_out("D", "").is_none(),
            "larger than the whole budget"
        );
        assert_eq!(shelf.bytes, 80);
    }

    #[test]
    fn a_kept_picture_whose_facts_changed_is_not_handed_out_and_is_replaced() {
        let mut shelf = Shelf::default();
        let tagged = |etag: &str, bytes| Picture {
            etag: etag.to_string(),
            ..picture(bytes)
        };
        shelf.keep("A", tagged("old", 40), 100);
        assert!(shelf.take_out("A", "new").is_none());
        shelf.keep("A", tagged("new", 30), 100);
        assert_eq!(shelf.take_out("A", "new").map(|p| p.png.len()), Some(30));
        assert_eq!((shelf.bytes, shelf.order.len()), (30, 1));
    }
}
