#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// Test code indexes and slices known fixtures and outputs: a bad bound is a failed test.
#![allow(clippy::indexing_slicing, clippy::string_slice)]
//! Direct processing, `POST /api/v2/process` (R12, R14): the request's rules, the body written
//! with the images base64-encoded straight into one allocation of exactly its size, the size and
//! format limits checked before anything is sent, a reader read no further than the limit, and
//! the answers — a `200` that carries an error is an error.

mod support;

use std::cell::Cell;
use std::io::{self, Read};

use idenfy_proto::http::header::{AUTHORIZATION, CONTENT_TYPE};
use idenfy_proto::http::{Method, Response, StatusCode};
use idenfy_proto::{
    AuthToken, Config, Credentials, DocumentType, Endpoint, Error, ErrorIdentifier, ImageFormat,
    ImageStep, MAX_IMAGE_BYTES, MAX_PROCESS_BODY_BYTES, ProcessRequest, ProcessRequestBuilder,
    RetryClass, Rule, ValidationError,
};
use proptest::prelude::*;
use serde_json::Value;
use support::base64_decode;

const TOKEN: &str = "3FA5TFPA2ZE3LMPGGS1EGOJNJE";

fn token() -> AuthToken {
    AuthToken::new(TOKEN)
}

fn config() -> Config {
    Config::new(Credentials::new("partner-key", "partner-secret").unwrap())
}

/// A file of `len` bytes (at least its signature) starting with `signature`.
fn file(signature: &[u8], len: usize) -> Vec<u8> {
    let mut bytes = signature.to_vec();
    bytes.extend((0..len.saturating_sub(signature.len())).map(|at| (at % 251) as u8));
    bytes.truncate(len.max(signature.len()));
    bytes
}

fn jpeg(len: usize) -> Vec<u8> {
    file(b"\xFF\xD8\xFF\xE0", len)
}

fn png(len: usize) -> Vec<u8> {
    file(b"\x89PNG\r\n\x1A\n", len)
}

fn pdf(len: usize) -> Vec<u8> {
    file(b"%PDF-1.7\n", len)
}

fn refused(builder: ProcessRequestBuilder<'_>) -> ValidationError {
    match builder.build() {
        Ok(request) => panic!("accepted: {request:?}"),
        Err(err) => err,
    }
}

fn assert_refused(builder: ProcessRequestBuilder<'_>, field: &str, rule: &Rule) {
    let err = refused(builder);
    assert_eq!((err.field(), err.rule()), (field, rule), "{err}");
}

fn body_of(request: &ProcessRequest<'_>) -> Value {
    serde_json::from_slice(&request.to_json().unwrap()).unwrap()
}

#[test]
fn r14_the_body_is_the_documented_shape_in_one_exact_allocation() {
    let front = jpeg(3000);
    let back = png(1001);
    let face = jpeg(2);
    let bill = pdf(500);
    let request = ProcessRequest::builder(&token(), "lt")
        .document_type(DocumentType::IdCard)
        .skip_analysis(true)
        .image(ImageStep::Front, &front[..])
        .image(ImageStep::Back, back.clone())
        .image(ImageStep::Face, &face)
        .image(ImageStep::UtilityBill, &bill[..])
        .build()
        .unwrap();

    let http_request = request.to_request(&config()).unwrap();
    assert_eq!(http_request.method(), Method::POST);
    assert_eq!(http_request.uri(), "https://ivs.idenfy.com/api/v2/process");
    assert_eq!(http_request.headers()[CONTENT_TYPE], "application/json");
    assert!(http_request.headers().contains_key(AUTHORIZATION));

    // One allocation of exactly the body's size: nothing grew, nothing is left over.
    let body = http_request.body();
    assert_eq!(body.len(), request.body_len());
    assert_eq!(body.capacity(), body.len());

    let json: Value = serde_json::from_slice(body).unwrap();
    let object = json.as_object().unwrap();
    let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "authToken",
            "country",
            "documentType",
            "images",
            "skipAnalysis"
        ]
    );
    assert_eq!(json["authToken"], TOKEN);
    assert_eq!(json["country"], "LT");
    assert_eq!(json["documentType"], "ID_CARD");
    assert_eq!(json["skipAnalysis"], true);
    let images = json["images"].as_object().unwrap();
    assert_eq!(images.len(), 4);
    for (key, original) in [
        ("FRONT", &front),
        ("BACK", &back),
        ("FACE", &face),
        ("UTILITY_BILL", &bill),
    ] {
        let decoded = base64_decode(images[key].as_str().unwrap()).unwrap();
        assert_eq!(&decoded, original, "{key}");
    }
    let steps: Vec<&str> = request.steps().map(ImageStep::as_str).collect();
    assert_eq!(steps, ["FRONT", "BACK", "FACE", "UTILITY_BILL"]);
}

#[test]
fn r14_borrowed_images_are_not_copied_into_the_request() {
    let front = jpeg(10_000);
    let request = ProcessRequest::builder(&token(), "LT")
        .image(ImageStep::Front, &front[..])
        .build()
        .unwrap();
    // The request points at the caller's bytes: the only copy made is the body itself.
    let held = request.image(&ImageStep::Front).unwrap();
    assert_eq!(held.as_ptr(), front.as_ptr());
    assert_eq!(held.len(), front.len());
    assert!(request.image(&ImageStep::Back).is_none());
    // The body holds the base64 text, 4/3 of the image, and the fixed fields.
    let body = request.to_json().unwrap();
    let text_len = 4 * front.len().div_ceil(3);
    assert!(body.len() > text_len && body.len() < text_len + 200);
}

#[test]
fn r14_the_last_image_of_a_step_wins() {
    let first = jpeg(10);
    let second = png(20);
    let face = jpeg(30);
    let request = ProcessRequest::builder(&token(), "LT")
        .image(ImageStep::Front, &first[..])
        .image(ImageStep::Face, &face[..])
        .image(ImageStep::Front, &second[..])
        .build()
        .unwrap();
    let steps: Vec<&str> = request.steps().map(ImageStep::as_str).collect();
    assert_eq!(steps, ["FACE", "FRONT"]);
    let json = body_of(&request);
    assert_eq!(
        base64_decode(json["images"]["FRONT"].as_str().unwrap()).unwrap(),
        second
    );
    // An unknown value spelling a known step is that step, with that step's rules.
    let request = ProcessRequest::builder(&token(), "LT")
        .image(ImageStep::Front, &first[..])
        .image(ImageStep::Unknown("FRONT".into()), &second[..])
        .build()
        .unwrap();
    assert_eq!(request.image(&ImageStep::Front), Some(&second[..]));
    assert_eq!(request.steps().collect::<Vec<_>>(), [&ImageStep::Front]);
    let bill = pdf(10);
    assert_refused(
        ProcessRequest::builder(&token(), "LT")
            .image(ImageStep::Unknown("FRONT".into()), &bill[..]),
        "images.FRONT",
        &Rule::OneOf {
            allowed: &["JPEG", "PNG"],
        },
    );
}

#[test]
fn r14_front_is_required() {
    let face = jpeg(100);
    assert_refused(
        ProcessRequest::builder(&token(), "LT").image(ImageStep::Face, &face[..]),
        "images.FRONT",
        &Rule::Required,
    );
    assert_refused(
        ProcessRequest::builder(&token(), "LT"),
        "images.FRONT",
        &Rule::Required,
    );
}

#[test]
fn r14_formats_by_signature_and_step() {
    let gif = file(b"GIF89a", 100);
    let document = Rule::OneOf {
        allowed: &["JPEG", "PNG"],
    };
    let additional = Rule::OneOf {
        allowed: &["JPEG", "PNG", "PDF"],
    };
    assert_refused(
        ProcessRequest::builder(&token(), "LT").image(ImageStep::Front, &gif[..]),
        "images.FRONT",
        &document,
    );
    let front = jpeg(100);
    let bill = pdf(100);
    for step in [ImageStep::Back, ImageStep::Face, ImageStep::PassportCover] {
        let field = format!("images.{step}");
        assert_refused(
            ProcessRequest::builder(&token(), "LT")
                .image(ImageStep::Front, &front[..])
                .image(step, &bill[..]),
            &field,
            &document,
        );
    }
    for step in [
        ImageStep::UtilityBill,
        ImageStep::SecondUtilityBill,
        ImageStep::Unknown("PROOF_OF_INCOME".into()),
    ] {
        let request = ProcessRequest::builder(&token(), "LT")
            .image(ImageStep::Front, &front[..])
            .image(step.clone(), &bill[..])
            .build()
            .unwrap();
        assert!(request.image(&step).is_some());
        assert_refused(
            ProcessRequest::builder(&token(), "LT")
                .image(ImageStep::Front, &front[..])
                .image(step.clone(), &gif[..]),
            &format!("images.{step}"),
            &additional,
        );
    }
    // An empty image has no signature.
    assert_refused(
        ProcessRequest::builder(&token(), "LT").image(ImageStep::Front, Vec::new()),
        "images.FRONT",
        &document,
    );
    assert_eq!(ImageFormat::sniff(b"\x89PNG\r\n\x1A"), None);
    assert_eq!(ImageFormat::sniff(&png(8)), Some(ImageFormat::Png));
    assert_eq!(ImageFormat::sniff(b"%PDF-"), Some(ImageFormat::Pdf));
    assert_eq!(ImageFormat::Jpeg.to_string(), "JPEG");
}

#[test]
fn r14_custom_step_names() {
    let front = jpeg(10);
    let bill = jpeg(10);
    assert_refused(
        ProcessRequest::builder(&token(), "LT")
            .image(ImageStep::Front, &front[..])
            .image(ImageStep::Unknown(String::new()), &bill[..]),
        "images",
        &Rule::Length {
            min: 1,
            max: 100,
            actual: 0,
        },
    );
    let long = "S".repeat(101);
    assert_refused(
        ProcessRequest::builder(&token(), "LT")
            .image(ImageStep::Front, &front[..])
            .image(ImageStep::Unknown(long), &bill[..]),
        "images",
        &Rule::Length {
            min: 1,
            max: 100,
            actual: 101,
        },
    );
    // A name that needs escaping in JSON is escaped, and the length still adds up.
    let odd = ImageStep::Unknown("STEP \"7\" \\ ž".into());
    let request = ProcessRequest::builder(&token(), "LT")
        .image(ImageStep::Front, &front[..])
        .image(odd, &bill[..])
        .build()
        .unwrap();
    let body = request.to_json().unwrap();
    assert_eq!(body.len(), request.body_len());
    let json: Value = serde_json::from_slice(&body).unwrap();
    assert!(json["images"].get("STEP \"7\" \\ ž").is_some());
}

#[test]
fn r14_image_size_edges() {
    let largest = jpeg(MAX_IMAGE_BYTES);
    let request = ProcessRequest::builder(&token(), "LT")
        .image(ImageStep::Front, &largest[..])
        .build()
        .unwrap();
    // Its base64 text is exactly the documented 6 000 000 bytes.
    let json = body_of(&request);
    assert_eq!(json["images"]["FRONT"].as_str().unwrap().len(), 6_000_000);

    let too_large = jpeg(MAX_IMAGE_BYTES + 1);
    assert_refused(
        ProcessRequest::builder(&token(), "LT")
            .image(ImageStep::Front, &largest[..])
            .image(ImageStep::Face, &too_large[..]),
        "images.FACE",
        &Rule::TooLarge {
            max: 4_500_000,
            actual: Some(4_500_001),
        },
    );
    let err =
        refused(ProcessRequest::builder(&token(), "LT").image(ImageStep::Front, &too_large[..]));
    assert_eq!(
        err.to_string(),
        "images.FRONT: must be at most 4500000 bytes, got 4500001"
    );
}

#[test]
fn r14_the_whole_body_is_limited_exactly() {
    // Three images of the largest size, shared (borrowed three times, never copied).
    let largest = jpeg(MAX_IMAGE_BYTES);
    let with_fourth = |key: &str, len: usize| {
        ProcessRequest::builder(&token(), "LT")
            .image(ImageStep::Front, &largest[..])
            .image(ImageStep::Back, &largest[..])
            .image(ImageStep::Face, &largest[..])
            .image(ImageStep::Unknown(key.to_owned()), jpeg(len))
    };
    // Find a name length for the fourth step such that the remaining room is a multiple of 4,
    // so that an image can fill the body to the byte.
    let (key, room) = (1..=4)
        .map(|len| {
            let key = "X".repeat(len);
            // A 6-byte image is 8 characters of base64.
            let base = with_fourth(&key, 6).build().unwrap().body_len() - 8;
            (key, MAX_PROCESS_BODY_BYTES - base)
        })
        .find(|(_, room)| room % 4 == 0)
        .unwrap();
    let fits = with_fourth(&key, 3 * (room / 4)).build().unwrap();
    assert_eq!(fits.body_len(), MAX_PROCESS_BODY_BYTES);
    assert_eq!(fits.to_json().unwrap().len(), MAX_PROCESS_BODY_BYTES);

    assert_refused(
        with_fourth(&key, 3 * (room / 4) + 1),
        "body",
        &Rule::TooLarge {
            max: 20_000_000,
            actual: Some(20_000_004),
        },
    );
}

/// A reader that counts what is read from it.
struct Counting<R> {
    inner: R,
    read: Cell<usize>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.set(self.read.get() + n);
        Ok(n)
    }
}

#[test]
fn r14_a_reader_is_read_no_further_than_the_limit() {
    // An endless image: a JPEG signature, then bytes for ever.
    let mut endless = Counting {
        inner: io::Cursor::new(b"\xFF\xD8\xFF\xE0".to_vec()).chain(io::repeat(0x55)),
        read: Cell::new(0),
    };
    let front = jpeg(100);
    let builder = ProcessRequest::builder(&token(), "LT")
        .image(ImageStep::Front, &front[..])
        .image_from_reader(ImageStep::Face, &mut endless)
        .unwrap();
    assert_eq!(endless.read.get(), MAX_IMAGE_BYTES + 1);
    assert_refused(
        builder,
        "images.FACE",
        &Rule::TooLarge {
            max: 4_500_000,
            actual: None,
        },
    );
    assert_eq!(
        Rule::TooLarge {
            max: 1,
            actual: None
        }
        .to_string(),
        "must be at most 1 bytes, got more"
    );

    let file = png(12_345);
    let request = ProcessRequest::builder(&token(), "LT")
        .image_from_reader(ImageStep::Front, io::Cursor::new(file.clone()))
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(request.image(&ImageStep::Front), Some(&file[..]));
}

/// A reader that fails.
struct Failing;

impl Read for Failing {
    fn read(&mut self, _buf: &mut [u8]) -> io::Result<usize> {
        Err(io::Error::new(io::ErrorKind::PermissionDenied, "no access"))
    }
}

#[test]
fn r14_a_reader_error_is_returned_as_it_came() {
    let err = ProcessRequest::builder(&token(), "LT")
        .image_from_reader(ImageStep::Front, Failing)
        .unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::PermissionDenied);
}

#[test]
fn r12_auth_token_rules() {
    let front = jpeg(10);
    let with = |value: &str| {
        ProcessRequest::builder(&AuthToken::new(value), "LT").image(ImageStep::Front, front.clone())
    };
    assert!(with(&"a".repeat(10)).build().is_ok());
    assert!(with(&"a".repeat(40)).build().is_ok());
    for (len, actual) in [(9, 9), (41, 41), (0, 0)] {
        assert_refused(
            with(&"a".repeat(len)),
            "authToken",
            &Rule::Length {
                min: 10,
                max: 40,
                actual,
            },
        );
    }
    for bad in [
        "abcdefghij k",
        "abcdefghij\u{7f}",
        "abcdefghijž",
        "abcdefghij\n",
    ] {
        let err = refused(with(bad));
        assert_eq!((err.field(), err.rule()), ("authToken", &Rule::HeaderValue));
        // The error shows neither the token nor a character of it (R10).
        assert!(!err.to_string().contains("abcdefghij"), "{err}");
    }
}

#[test]
fn r12_country_and_document_type() {
    let front = jpeg(10);
    let request = ProcessRequest::builder(&token(), "lt")
        .image(ImageStep::Front, &front[..])
        .build()
        .unwrap();
    assert_eq!(request.country().as_str(), "LT");
    assert_eq!(request.document_type(), None);
    assert!(body_of(&request).get("documentType").is_none());
    assert!(body_of(&request).get("skipAnalysis").is_none());
    assert_refused(
        ProcessRequest::builder(&token(), "EN").image(ImageStep::Front, &front[..]),
        "country",
        &Rule::CountryCode,
    );
    assert_refused(
        ProcessRequest::builder(&token(), "LT")
            .document_type(DocumentType::Unknown("DIGITAL_ID".into()))
            .image(ImageStep::Front, &front[..]),
        "documentType",
        &Rule::OneOf {
            allowed: DocumentType::KNOWN_STRS,
        },
    );
    // The order of the checks: the token first, then the country, then the images.
    let err = refused(ProcessRequest::builder(&AuthToken::new("short"), "EN"));
    assert_eq!(err.field(), "authToken");
    let err = refused(ProcessRequest::builder(&token(), "EN"));
    assert_eq!(err.field(), "country");
}

fn response(status: u16, body: &[u8]) -> Response<&[u8]> {
    Response::builder().status(status).body(body).unwrap()
}

fn process_request() -> ProcessRequest<'static> {
    ProcessRequest::builder(&token(), "LT")
        .image(ImageStep::Front, jpeg(10))
        .build()
        .unwrap()
}

#[test]
fn r14_a_200_with_an_error_body_is_an_error() {
    let request = process_request();
    let body = include_bytes!("fixtures/endpoints/process_200_missing_value.json");
    match request.parse(response(200, body)) {
        Err(Error::Api(error)) => {
            assert_eq!(error.status(), StatusCode::OK);
            assert_eq!(error.identifier(), Some(&ErrorIdentifier::MissingValue));
            assert!(error.message().unwrap().to_string().contains("'BACK'"));
            assert_eq!(error.severity(), Some("NOT_SEVERE"));
        }
        other => panic!("expected an API error, got {other:?}"),
    }
    // Only a message: still an error.
    let only_message = br#"{"message":"Document was not detected in the photo."}"#;
    assert!(matches!(
        request.parse(response(200, only_message)),
        Err(Error::Api(_))
    ));
    // Not JSON, or JSON that is no object: an error that keeps the body.
    for body in [
        &b"Document not detected"[..],
        b"\"Document not detected\"",
        b"[1]",
    ] {
        match request.parse(response(200, body)) {
            Err(Error::Api(error)) => {
                assert_eq!(error.raw_body(), Some(body));
                assert_eq!(error.status(), StatusCode::OK);
            }
            other => panic!("expected an API error, got {other:?}"),
        }
    }
}

#[test]
fn r14_success_is_a_2xx_without_an_error() {
    let request = process_request();
    for (status, body) in [
        (200, &b""[..]),
        (200, b" \r\n"),
        (200, b"{}"),
        (200, b"null"),
        (200, br#"{"identifier":null,"message":null}"#),
        (201, b""),
        (204, b""),
    ] {
        assert!(
            request.parse(response(status, body)).is_ok(),
            "{status} {:?}",
            String::from_utf8_lossy(body)
        );
    }
    let refused = br#"{"identifier":"TOKEN_NOT_VALID","message":"Token is not valid."}"#;
    match request.parse(response(400, refused)) {
        Err(Error::Api(error)) => {
            assert_eq!(error.status(), StatusCode::BAD_REQUEST);
            assert_eq!(error.identifier(), Some(&ErrorIdentifier::TokenNotValid));
        }
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[test]
fn r9_process_is_not_retried_once_sent() {
    let request = process_request();
    assert_eq!(request.retry_class(), RetryClass::NotIdempotent);
    assert_eq!(request.name(), "process");
    assert_eq!(ProcessRequest::PATH, "/api/v2/process");
}

#[test]
fn r10_debug_shows_neither_the_token_nor_the_images() {
    let front = jpeg(64);
    let builder = ProcessRequest::builder(&token(), "LT").image(ImageStep::Front, &front[..]);
    let builder_debug = format!("{builder:?}");
    let request = builder.build().unwrap();
    let request_debug = format!("{request:?}");
    let encoded = body_of(&request)["images"]["FRONT"]
        .as_str()
        .unwrap()
        .to_owned();
    for debug in [&builder_debug, &request_debug] {
        assert!(!debug.contains(TOKEN), "{debug}");
        assert!(!debug.contains(&encoded[..16]), "{debug}");
        assert!(debug.contains("FRONT"), "{debug}");
    }
    assert!(request_debug.contains("64 bytes"), "{request_debug}");
}

proptest! {
    #[test]
    fn r14_any_images_encode_exactly_and_decode_back(
        sizes in proptest::collection::vec(1usize..3000, 1..=5),
        png_first in any::<bool>(),
    ) {
        let steps = [
            ImageStep::Front,
            ImageStep::Back,
            ImageStep::Face,
            ImageStep::PassportCover,
            ImageStep::Unknown("EXTRA_STEP".into()),
        ];
        let images: Vec<Vec<u8>> = sizes
            .iter()
            .enumerate()
            .map(|(at, size)| if png_first && at == 0 { png(*size) } else { jpeg(*size) })
            .collect();
        let mut builder = ProcessRequest::builder(&token(), "LT");
        for (step, image) in steps.iter().zip(&images) {
            builder = builder.image(step.clone(), &image[..]);
        }
        let request = builder.build().unwrap();
        let body = request.to_json().unwrap();
        prop_assert_eq!(body.len(), request.body_len());
        prop_assert_eq!(body.capacity(), body.len());
        let json: Value = serde_json::from_slice(&body).unwrap();
        for (step, image) in steps.iter().zip(&images) {
            let text = json["images"][step.as_str()].as_str().unwrap();
            prop_assert_eq!(text.len(), 4 * image.len().div_ceil(3));
            prop_assert_eq!(&base64_decode(text).unwrap(), image);
        }
    }

    #[test]
    fn r14_formats_are_recognised_by_their_signature(
        head in prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..12),
            proptest::collection::vec(any::<u8>(), 0..8).prop_map(|tail| [&b"\xFF\xD8\xFF"[..], &tail].concat()),
            proptest::collection::vec(any::<u8>(), 0..8).prop_map(|tail| [&b"\x89PNG\r\n\x1A\n"[..], &tail].concat()),
            proptest::collection::vec(any::<u8>(), 0..8).prop_map(|tail| [&b"%PDF-"[..], &tail].concat()),
        ],
    ) {
        let image = [&head[..], &[0x20; 16][..]].concat();
        let is_jpeg = image.starts_with(&[0xFF, 0xD8, 0xFF]);
        let is_png = image.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        let is_pdf = image.starts_with(b"%PDF-");
        let front = ProcessRequest::builder(&token(), "LT")
            .image(ImageStep::Front, &image[..])
            .build();
        prop_assert_eq!(front.is_ok(), is_jpeg || is_png);
        let bill = ProcessRequest::builder(&token(), "LT")
            .image(ImageStep::Front, jpeg(10))
            .image(ImageStep::UtilityBill, &image[..])
            .build();
        prop_assert_eq!(bill.is_ok(), is_jpeg || is_png || is_pdf);
    }

    #[test]
    fn r12_auth_token_lengths(len in 0usize..60) {
        let token = AuthToken::new("Ab1".repeat(20)[..len].to_owned());
        let result = ProcessRequest::builder(&token, "LT")
            .image(ImageStep::Front, jpeg(10))
            .build();
        if (10..=40).contains(&len) {
            prop_assert!(result.is_ok());
        } else {
            let err = result.unwrap_err();
            prop_assert_eq!(err.field(), "authToken");
            prop_assert_eq!(err.rule(), &Rule::Length { min: 10, max: 40, actual: len });
        }
    }
}
