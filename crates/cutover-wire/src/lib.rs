//! The wire layer: bytes in, typed requests out; typed results in, bytes out.
//!
//! It knows the AWS protocols (awsJson1.1 for ECS and CodeDeploy, awsQuery with XML responses
//! for ELBv2), how to tell the services apart on one port, how AWS shapes its errors, and how
//! to find the account and region of a request. It knows nothing of ECS, ELBv2 or CodeDeploy
//! resources.
//!
//! - [`detect`]: which service and operation a request is for.
//! - [`context`]: request id, account and region of a request.
//! - [`error`]: the one AWS error type, rendered per protocol.
//! - [`json`]: awsJson1.1 decoding with AWS's error codes.
//! - [`query`]: awsQuery form parameters and their typed accessors.
//! - [`xml`]: a small XML writer for awsQuery responses.
//! - [`time`]: timestamp encodings (epoch seconds, ISO 8601).
//! - [`token`]: opaque pagination tokens.

pub mod context;
pub mod detect;
pub mod error;
pub mod json;
pub mod query;
pub mod time;
pub mod token;
pub mod xml;

pub use context::RequestContext;
pub use detect::{detect, Detected, Protocol, Service};
pub use error::{AwsError, ErrorKind};
