//! The service API layer: per-service request/response types named after the AWS shapes, one
//! exhaustive operation enum per service, one handler per operation.
//!
//! Handlers take typed input and a [`cutover_core::Scope`], and return typed output or an
//! [`AwsError`]; they never see HTTP. Decoding and encoding happen in the one generated
//! dispatcher of each service (see [`operations!`]), so adding an operation to an enum without a
//! handler does not compile.
//!
//! - [`ecs`], [`codedeploy`]: awsJson1.1 services.
//! - [`elbv2`]: the awsQuery service.
//! - [`page`]: pagination helpers shared by the list operations.

use cutover_core::Scope;
use cutover_wire::detect::Service;
use cutover_wire::query::QueryParams;
use cutover_wire::AwsError;

pub mod codedeploy;
pub mod ecs;
pub mod elbv2;
pub mod page;

/// Declares a service's operations: an exhaustive enum, name lookup, and the dispatcher that
/// decodes the input, calls the handler and encodes the output.
#[macro_export]
macro_rules! operations {
    (json $Enum:ident, validation = $vcode:expr, fault = $fault:expr, { $($Op:ident => $handler:path),* $(,)? }) => {
        /// Every operation this service implements.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $Enum { $($Op),* }

        impl $Enum {
            pub const ALL: &'static [$Enum] = &[$($Enum::$Op),*];

            pub fn from_name(name: &str) -> Option<Self> {
                match name { $(stringify!($Op) => Some($Enum::$Op),)* _ => None }
            }

            pub fn name(self) -> &'static str {
                match self { $($Enum::$Op => stringify!($Op)),* }
            }
        }

        /// Decodes the awsJson1.1 body, runs the handler, encodes the output.
        pub fn dispatch(op: $Enum, scope: &mut cutover_core::Scope<'_>, body: &[u8]) -> Result<Vec<u8>, cutover_wire::AwsError> {
            match op {
                $($Enum::$Op => {
                    let input = cutover_wire::json::decode(body, $vcode)?;
                    let output = $handler(scope, input)?;
                    cutover_wire::json::encode(&output, $fault)
                })*
            }
        }
    };
    (query $Enum:ident, ns = $ns:expr, { $($Op:ident => $handler:path),* $(,)? }) => {
        /// Every operation this service implements.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $Enum { $($Op),* }

        impl $Enum {
            pub const ALL: &'static [$Enum] = &[$($Enum::$Op),*];

            pub fn from_name(name: &str) -> Option<Self> {
                match name { $(stringify!($Op) => Some($Enum::$Op),)* _ => None }
            }

            pub fn name(self) -> &'static str {
                match self { $($Enum::$Op => stringify!($Op)),* }
            }
        }

        /// Decodes the awsQuery parameters, runs the handler, renders the XML response.
        pub fn dispatch(op: $Enum, scope: &mut cutover_core::Scope<'_>, params: &cutover_wire::query::QueryParams, request_id: &str) -> Result<String, cutover_wire::AwsError> {
            match op {
                $($Enum::$Op => {
                    let input = $crate::elbv2::FromQuery::from_query(&params.root())?;
                    let output = $handler(scope, input)?;
                    Ok(cutover_wire::xml::query_response(op.name(), $ns, request_id, 512, |w| $crate::elbv2::ToXml::write_xml(&output, w)))
                })*
            }
        }
    };
}

/// A known operation of a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    Ecs(ecs::EcsOperation),
    CodeDeploy(codedeploy::CodeDeployOperation),
    Elbv2(elbv2::Elbv2Operation),
}

impl Operation {
    /// Looks an operation up; unknown names get the protocol's unknown-operation error.
    pub fn resolve(service: Service, name: &str) -> Result<Operation, AwsError> {
        let found = match service {
            Service::Ecs => ecs::EcsOperation::from_name(name).map(Operation::Ecs),
            Service::CodeDeploy => {
                codedeploy::CodeDeployOperation::from_name(name).map(Operation::CodeDeploy)
            }
            Service::Elbv2 => elbv2::Elbv2Operation::from_name(name).map(Operation::Elbv2),
        };
        found.ok_or_else(|| match service {
            Service::Ecs => AwsError::unknown_operation(&format!(
                "{}.{name}",
                cutover_wire::detect::ECS_TARGET_PREFIX
            )),
            Service::CodeDeploy => AwsError::unknown_operation(&format!(
                "{}.{name}",
                cutover_wire::detect::CODEDEPLOY_TARGET_PREFIX
            )),
            Service::Elbv2 => AwsError::invalid_action(name, cutover_wire::detect::ELBV2_VERSION),
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Operation::Ecs(o) => o.name(),
            Operation::CodeDeploy(o) => o.name(),
            Operation::Elbv2(o) => o.name(),
        }
    }

    pub fn service(self) -> Service {
        match self {
            Operation::Ecs(_) => Service::Ecs,
            Operation::CodeDeploy(_) => Service::CodeDeploy,
            Operation::Elbv2(_) => Service::Elbv2,
        }
    }

    /// Runs the operation: JSON services get the raw body, ELBv2 its form parameters. Returns the
    /// response body.
    pub fn call(
        self,
        scope: &mut Scope<'_>,
        body: &[u8],
        params: Option<&QueryParams>,
        request_id: &str,
    ) -> Result<Vec<u8>, AwsError> {
        match self {
            Operation::Ecs(op) => ecs::dispatch(op, scope, body),
            Operation::CodeDeploy(op) => codedeploy::dispatch(op, scope, body),
            Operation::Elbv2(op) => {
                let empty = QueryParams::default();
                elbv2::dispatch(op, scope, params.unwrap_or(&empty), request_id)
                    .map(String::into_bytes)
            }
        }
    }
}
