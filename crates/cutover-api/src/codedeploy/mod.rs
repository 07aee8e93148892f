//! CodeDeploy (awsJson1.1, `CodeDeploy_20141006.*`): shapes and handlers. CodeDeploy names a
//! specific exception for each missing or invalid member (`ApplicationNameRequiredException`,
//! `InvalidApplicationNameException`, ...); members the model marks required but the handler
//! does not check itself fall back to `ValidationException`.

use cutover_wire::AwsError;

pub mod applications;
pub mod appspec;
pub mod deployment_configs;
pub mod deployment_groups;
pub mod deployments;
pub mod group_shapes;
pub mod group_validation;
pub mod tags;
pub mod targets;

pub const VALIDATION: &str = "ValidationException";

crate::operations!(json CodeDeployOperation, validation = VALIDATION, fault = "InternalFailure", {
    CreateApplication => applications::create_application,
    GetApplication => applications::get_application,
    BatchGetApplications => applications::batch_get_applications,
    ListApplications => applications::list_applications,
    DeleteApplication => applications::delete_application,
    CreateDeploymentGroup => deployment_groups::create_deployment_group,
    GetDeploymentGroup => deployment_groups::get_deployment_group,
    BatchGetDeploymentGroups => deployment_groups::batch_get_deployment_groups,
    ListDeploymentGroups => deployment_groups::list_deployment_groups,
    UpdateDeploymentGroup => deployment_groups::update_deployment_group,
    DeleteDeploymentGroup => deployment_groups::delete_deployment_group,
    CreateDeploymentConfig => deployment_configs::create_deployment_config,
    GetDeploymentConfig => deployment_configs::get_deployment_config,
    ListDeploymentConfigs => deployment_configs::list_deployment_configs,
    DeleteDeploymentConfig => deployment_configs::delete_deployment_config,
    TagResource => tags::tag_resource,
    UntagResource => tags::untag_resource,
    ListTagsForResource => tags::list_tags_for_resource,
    CreateDeployment => deployments::create_deployment,
    GetDeployment => deployments::get_deployment,
    BatchGetDeployments => deployments::batch_get_deployments,
    ListDeployments => deployments::list_deployments,
    StopDeployment => deployments::stop_deployment,
    ContinueDeployment => deployments::continue_deployment,
    SkipWaitTimeForInstanceTermination => deployments::skip_wait_time_for_instance_termination,
    PutLifecycleEventHookExecutionStatus => deployments::put_lifecycle_event_hook_execution_status,
    ListDeploymentTargets => targets::list_deployment_targets,
    GetDeploymentTarget => targets::get_deployment_target,
    BatchGetDeploymentTargets => targets::batch_get_deployment_targets,
});

pub fn err(code: &'static str, message: impl Into<String>) -> AwsError {
    AwsError::client(code, message)
}

/// The empty output of operations without an output shape (`{}` on the wire).
#[derive(Debug, serde::Serialize)]
pub struct Empty {}
