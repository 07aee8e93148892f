//! CodeDeploy application operations.

use serde::{Deserialize, Serialize};

use cutover_core::codedeploy::{Application, ComputePlatform};
use cutover_core::Scope;
use cutover_wire::AwsError;

use super::{err, Empty};
use crate::page;

/// CodeDeploy tags are `{Key, Value}` (capitalised, unlike the rest of the API).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Tag {
    #[serde(rename = "Key", skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(rename = "Value", skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// Checks an application name as CodeDeploy does: present (`ApplicationNameRequiredException`)
/// and 1–100 characters (`InvalidApplicationNameException`).
pub(crate) fn application_name(name: Option<&str>) -> Result<&str, AwsError> {
    match name {
        None | Some("") => Err(err(
            "ApplicationNameRequiredException",
            "The application name must be specified.",
        )),
        Some(n) if n.chars().count() > 100 => Err(err(
            "InvalidApplicationNameException",
            "The application name is too long: at most 100 characters are allowed.",
        )),
        Some(n) => Ok(n),
    }
}

pub(crate) fn application_not_found(name: &str) -> AwsError {
    err(
        "ApplicationDoesNotExistException",
        format!("No application found for name: {name}"),
    )
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationInfo {
    pub application_id: String,
    pub application_name: String,
    pub create_time: f64,
    pub linked_to_git_hub: bool,
    pub compute_platform: &'static str,
}

impl ApplicationInfo {
    fn from_core(a: &Application) -> Self {
        ApplicationInfo {
            application_id: a.id.clone(),
            application_name: a.name.clone(),
            create_time: a.created_at.as_secs_f64(),
            linked_to_git_hub: false,
            compute_platform: a.compute_platform.as_str(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateApplicationInput {
    pub application_name: Option<String>,
    pub compute_platform: Option<String>,
    pub tags: Option<Vec<Tag>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateApplicationOutput {
    pub application_id: String,
}

pub fn create_application(
    s: &mut Scope<'_>,
    input: CreateApplicationInput,
) -> Result<CreateApplicationOutput, AwsError> {
    let name = application_name(input.application_name.as_deref())?;
    let platform = match input.compute_platform.as_deref() {
        None => ComputePlatform::Server,
        Some(p) => ComputePlatform::parse(p).ok_or_else(|| {
            err("InvalidComputePlatformException", format!("The computePlatform '{p}' is invalid; valid values are Server, Lambda and ECS."))
        })?,
    };
    let tags = super::tags::checked_tags(input.tags)?;
    let app = s
        .state
        .codedeploy
        .create_application(name, platform, tags, s.now)
        .ok_or_else(|| {
            err(
                "ApplicationAlreadyExistsException",
                format!("{name} already exists in your account"),
            )
        })?;
    Ok(CreateApplicationOutput {
        application_id: app.id.clone(),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetApplicationInput {
    pub application_name: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GetApplicationOutput {
    pub application: ApplicationInfo,
}

pub fn get_application(
    s: &mut Scope<'_>,
    input: GetApplicationInput,
) -> Result<GetApplicationOutput, AwsError> {
    let name = application_name(input.application_name.as_deref())?;
    let app = s
        .state
        .codedeploy
        .application(name)
        .ok_or_else(|| application_not_found(name))?;
    Ok(GetApplicationOutput {
        application: ApplicationInfo::from_core(app),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchGetApplicationsInput {
    pub application_names: Option<Vec<String>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchGetApplicationsOutput {
    pub applications_info: Vec<ApplicationInfo>,
}

pub fn batch_get_applications(
    s: &mut Scope<'_>,
    input: BatchGetApplicationsInput,
) -> Result<BatchGetApplicationsOutput, AwsError> {
    let names = input.application_names.ok_or_else(|| {
        err(
            "ApplicationNameRequiredException",
            "The application names must be specified.",
        )
    })?;
    if names.len() > 100 {
        return Err(err(
            "BatchLimitExceededException",
            "The maximum number of names or IDs allowed for this request (100) was exceeded.",
        ));
    }
    let mut out = Vec::with_capacity(names.len());
    for n in &names {
        let n = application_name(Some(n))?;
        out.push(ApplicationInfo::from_core(
            s.state
                .codedeploy
                .application(n)
                .ok_or_else(|| application_not_found(n))?,
        ));
    }
    Ok(BatchGetApplicationsOutput {
        applications_info: out,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListApplicationsInput {
    pub next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListApplicationsOutput {
    pub applications: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// CodeDeploy list pages hold up to 100 items.
pub const PAGE: usize = 100;

pub(crate) fn bad_token() -> AwsError {
    err(
        "InvalidNextTokenException",
        "The next token was specified in an invalid format.",
    )
}

pub fn list_applications(
    s: &mut Scope<'_>,
    input: ListApplicationsInput,
) -> Result<ListApplicationsOutput, AwsError> {
    let after = page::resume_after(input.next_token.as_deref(), bad_token)?;
    let (names, more) = s.state.codedeploy.list_applications(after.as_deref(), PAGE);
    Ok(ListApplicationsOutput {
        next_token: page::next_token(more, names.last().copied()),
        applications: names.into_iter().map(str::to_owned).collect(),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeleteApplicationInput {
    pub application_name: Option<String>,
}

/// Deleting an application that does not exist succeeds, as on AWS (the model lists no
/// not-found error for it). Its deployment groups go with it.
pub fn delete_application(
    s: &mut Scope<'_>,
    input: DeleteApplicationInput,
) -> Result<Empty, AwsError> {
    let name = application_name(input.application_name.as_deref())?;
    s.state.codedeploy.delete_application(name);
    Ok(Empty {})
}
