//! CodeDeploy resource tags: which resource an ARN names ([`CodeDeployResource`]) and where its
//! tags live. Applications and deployment groups carry tags; the merge/remove rules are ECS's
//! ([`crate::ecs::tags::merge`] / [`crate::ecs::tags::remove`]).

use super::CodeDeployState;
use crate::ecs::Tag;

/// The most tags a CodeDeploy resource can carry.
pub const MAX_TAGS: usize = 50;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeDeployResource {
    Application(String),
    DeploymentGroup { application: String, name: String },
}

/// Why an ARN does not name a taggable resource of this partition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArnProblem {
    /// Not a well-formed CodeDeploy ARN.
    Invalid,
    /// A CodeDeploy ARN of a kind that carries no tags here (deployment configs, instances...).
    NotSupported,
    /// A CodeDeploy ARN of another account or region: nothing of it is visible here.
    OtherPartition(CodeDeployResource),
}

impl CodeDeployResource {
    /// Resolves `arn:{partition}:codedeploy:{region}:{account}:{kind}:{id}` against this
    /// partition (`application:{name}`, `deploymentgroup:{app}/{group}`).
    pub fn from_arn(arn: &str, region: &str, account: &str) -> Result<Self, ArnProblem> {
        let fields: Vec<&str> = arn.splitn(7, ':').collect();
        let [prefix, partition, service, r, a, kind, id] = fields[..] else {
            return Err(ArnProblem::Invalid);
        };
        if prefix != "arn" || partition.is_empty() || service != "codedeploy" || id.is_empty() {
            return Err(ArnProblem::Invalid);
        }
        let found = match kind {
            "application" => CodeDeployResource::Application(id.to_owned()),
            "deploymentgroup" => match id.split_once('/') {
                Some((app, group)) if !app.is_empty() && !group.is_empty() => {
                    CodeDeployResource::DeploymentGroup {
                        application: app.to_owned(),
                        name: group.to_owned(),
                    }
                }
                _ => return Err(ArnProblem::Invalid),
            },
            "deploymentconfig" | "instance" => return Err(ArnProblem::NotSupported),
            _ => return Err(ArnProblem::Invalid),
        };
        if r != region || a != account {
            return Err(ArnProblem::OtherPartition(found));
        }
        Ok(found)
    }
}

impl CodeDeployState {
    pub fn tags(&self, r: &CodeDeployResource) -> Option<&[Tag]> {
        match r {
            CodeDeployResource::Application(name) => self.application(name).map(|a| &a.tags[..]),
            CodeDeployResource::DeploymentGroup { application, name } => self
                .deployment_group(application, name)
                .map(|g| &g.tags[..]),
        }
    }

    pub fn tags_mut(&mut self, r: &CodeDeployResource) -> Option<&mut Vec<Tag>> {
        match r {
            CodeDeployResource::Application(name) => {
                self.applications.get_mut(name).map(|a| &mut a.tags)
            }
            CodeDeployResource::DeploymentGroup { application, name } => self
                .deployment_group_mut(application, name)
                .map(|g| &mut g.tags),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codedeploy::ComputePlatform;
    use crate::VTime;

    #[test]
    fn arns_resolve() {
        let p = |a: &str| CodeDeployResource::from_arn(a, "us-east-1", "1");
        assert_eq!(
            p("arn:aws:codedeploy:us-east-1:1:application:my-app"),
            Ok(CodeDeployResource::Application("my-app".into()))
        );
        assert_eq!(
            p("arn:aws:codedeploy:us-east-1:1:deploymentgroup:my-app/dg"),
            Ok(CodeDeployResource::DeploymentGroup {
                application: "my-app".into(),
                name: "dg".into()
            })
        );
        assert_eq!(
            p("arn:aws:codedeploy:eu-west-1:1:application:a"),
            Err(ArnProblem::OtherPartition(CodeDeployResource::Application(
                "a".into()
            )))
        );
        assert_eq!(
            p("arn:aws:codedeploy:us-east-1:1:deploymentconfig:x"),
            Err(ArnProblem::NotSupported)
        );
        for bad in [
            "my-app",
            "arn:aws:codedeploy:us-east-1:1:application:",
            "arn:aws:codedeploy:us-east-1:1:deploymentgroup:app",
            "arn:aws:codedeploy:us-east-1:1:widget:x",
            "arn:aws:ecs:us-east-1:1:cluster/x",
        ] {
            assert_eq!(p(bad), Err(ArnProblem::Invalid), "{bad}");
        }
    }

    #[test]
    fn applications_carry_their_creation_tags() {
        let mut s = CodeDeployState::default();
        let t = Tag {
            key: "k".into(),
            value: "v".into(),
        };
        s.create_application("a", ComputePlatform::Ecs, vec![t.clone()], VTime(0));
        let r = CodeDeployResource::Application("a".into());
        assert_eq!(s.tags(&r).unwrap(), [t]);
        s.tags_mut(&r).unwrap().clear();
        assert!(s.tags(&r).unwrap().is_empty());
        assert!(s
            .tags(&CodeDeployResource::Application("b".into()))
            .is_none());
    }
}
