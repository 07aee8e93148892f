//! CodeDeploy (awsJson1.1, `CodeDeploy_20141006.*`): shapes and handlers. CodeDeploy names a
//! specific exception for each missing or invalid member (`ApplicationNameRequiredException`,
//! `InvalidApplicationNameException`, ...); members the model marks required but the handler
//! does not check itself fall back to `ValidationException`.

use cutover_wire::AwsError;

pub mod applications;

pub const VALIDATION: &str = "ValidationException";

crate::operations!(json CodeDeployOperation, validation = VALIDATION, fault = "InternalFailure", {
    CreateApplication => applications::create_application,
    GetApplication => applications::get_application,
    BatchGetApplications => applications::batch_get_applications,
    ListApplications => applications::list_applications,
    DeleteApplication => applications::delete_application,
});

pub fn err(code: &'static str, message: impl Into<String>) -> AwsError {
    AwsError::client(code, message)
}

/// The empty output of operations without an output shape (`{}` on the wire).
#[derive(Debug, serde::Serialize)]
pub struct Empty {}
