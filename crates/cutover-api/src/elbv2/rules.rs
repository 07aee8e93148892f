//! ELBv2 listener rule operations. The default rule (priority `default`) is the listener's
//! default actions; it cannot be deleted, re-prioritised or given conditions.

use cutover_core::elbv2::listeners as core_l;
use cutover_core::elbv2::{Action, Condition, Elbv2State, Rule};
use cutover_core::Scope;
use cutover_wire::query::QueryView;
use cutover_wire::xml::XmlWriter;
use cutover_wire::AwsError;

use super::actions::{
    check_targets, parse_actions, parse_conditions, write_actions, write_conditions,
};
use super::listeners::listener_not_found;
use super::{bad_marker, err, page_size, strings, tags, Empty, FromQuery, ToXml};

pub fn rule_not_found() -> AwsError {
    err("RuleNotFound", "One or more rules not found")
}

fn write_rule(w: &mut XmlWriter, st: &Elbv2State, r: &Rule) {
    w.text_elem("RuleArn", &r.arn);
    match r.priority {
        Some(p) => w.value_elem("Priority", p),
        None => w.text_elem("Priority", "default"),
    }
    write_conditions(w, &r.conditions);
    write_actions(w, "Actions", st.rule_actions(r));
    w.value_elem("IsDefault", r.is_default());
}

pub struct RulesOutput<'a> {
    st: &'a Elbv2State,
    rules: Vec<&'a Rule>,
    next_marker: Option<String>,
}

impl ToXml for RulesOutput<'_> {
    fn write_xml(&self, w: &mut XmlWriter) {
        w.list("Rules", &self.rules, |w, r| write_rule(w, self.st, r));
        w.opt_text("NextMarker", self.next_marker.as_deref());
    }
}

fn one_rule<'a>(st: &'a Elbv2State, arn: &str) -> RulesOutput<'a> {
    RulesOutput {
        st,
        rules: st.rule(arn).into_iter().collect(),
        next_marker: None,
    }
}

fn priority(q: &QueryView<'_>, name: &str) -> Result<i32, AwsError> {
    q.int_in(name, 1, 50_000)?
        .map(|n| n as i32)
        .ok_or_else(|| cutover_wire::query::missing(&q.path(name)))
}

fn priority_in_use(
    st: &Elbv2State,
    listener_arn: &str,
    priority: i32,
    except: Option<&str>,
) -> bool {
    st.rules_of(listener_arn)
        .iter()
        .any(|r| r.priority == Some(priority) && Some(r.arn.as_str()) != except)
}

pub struct CreateRuleInput {
    listener_arn: String,
    priority: i32,
    conditions: Vec<Condition>,
    actions: Vec<Action>,
    tags: Vec<cutover_core::ecs::Tag>,
}

impl FromQuery for CreateRuleInput {
    fn from_query(q: &QueryView<'_>) -> Result<Self, AwsError> {
        Ok(CreateRuleInput {
            listener_arn: q.req_str("ListenerArn")?.to_owned(),
            priority: priority(q, "Priority")?,
            conditions: parse_conditions(q)?,
            actions: parse_actions(q, "Actions")?,
            tags: tags(q)?,
        })
    }
}

pub fn create_rule<'s>(
    s: &'s mut Scope<'_>,
    input: CreateRuleInput,
) -> Result<RulesOutput<'s>, AwsError> {
    let lb_arn = s
        .state
        .elbv2
        .listener(&input.listener_arn)
        .ok_or_else(listener_not_found)?
        .lb_arn
        .clone();
    if priority_in_use(&s.state.elbv2, &input.listener_arn, input.priority, None) {
        return Err(err(
            "PriorityInUse",
            format!("Priority '{}' is currently in use", input.priority),
        ));
    }
    if s.state.elbv2.rules_of(&input.listener_arn).len() > 100 {
        return Err(err("TooManyRules", "A listener can have at most 100 rules"));
    }
    check_targets(&s.state.elbv2, &lb_arn, &input.actions)?;
    let rule = core_l::create_rule(
        s,
        &input.listener_arn,
        input.priority,
        input.conditions,
        input.actions,
        input.tags,
    )
    .ok_or_else(listener_not_found)?;
    Ok(one_rule(&s.state.elbv2, &rule.arn))
}

pub struct DescribeRulesInput {
    listener_arn: Option<String>,
    arns: Option<Vec<String>>,
    marker: Option<String>,
    page_size: usize,
}

impl FromQuery for DescribeRulesInput {
    fn from_query(q: &QueryView<'_>) -> Result<Self, AwsError> {
        Ok(DescribeRulesInput {
            listener_arn: q.str("ListenerArn").map(str::to_owned),
            arns: strings(q, "RuleArns").filter(|v| !v.is_empty()),
            marker: q.str("Marker").map(str::to_owned),
            page_size: page_size(q)?,
        })
    }
}

pub fn describe_rules<'s>(
    s: &'s mut Scope<'_>,
    input: DescribeRulesInput,
) -> Result<RulesOutput<'s>, AwsError> {
    let st = &s.state.elbv2;
    match (input.listener_arn, input.arns) {
        (Some(_), Some(_)) => Err(AwsError::validation_error(
            "Rule ARNs and a listener ARN cannot be specified at the same time",
        )),
        (None, None) => Err(AwsError::validation_error(
            "You must specify either rule ARNs or a listener ARN",
        )),
        (None, Some(arns)) => {
            let rules = arns
                .iter()
                .map(|a| st.rule(a).ok_or_else(rule_not_found))
                .collect::<Result<_, _>>()?;
            Ok(RulesOutput {
                st,
                rules,
                next_marker: None,
            })
        }
        (Some(l), None) => {
            if st.listener(&l).is_none() {
                return Err(listener_not_found());
            }
            // A listener has at most 100 rules: the page is cut from its sorted list.
            let all = st.rules_of(&l);
            let start = match crate::page::resume_after(input.marker.as_deref(), bad_marker)? {
                None => 0,
                Some(k) => k.parse::<usize>().map_err(|_| bad_marker())?,
            };
            let end = (start + input.page_size).min(all.len());
            let rules = all.get(start..end).unwrap_or(&[]).to_vec();
            let next = (end < all.len()).then(|| end.to_string());
            Ok(RulesOutput {
                st,
                rules,
                next_marker: next.map(|k| cutover_wire::token::encode(&k)),
            })
        }
    }
}

pub struct ModifyRuleInput {
    arn: String,
    conditions: Option<Vec<Condition>>,
    actions: Option<Vec<Action>>,
}

impl FromQuery for ModifyRuleInput {
    fn from_query(q: &QueryView<'_>) -> Result<Self, AwsError> {
        Ok(ModifyRuleInput {
            arn: q.req_str("RuleArn")?.to_owned(),
            conditions: if q.has_list("Conditions") {
                Some(parse_conditions(q)?)
            } else {
                None
            },
            actions: if q.has_list("Actions") {
                Some(parse_actions(q, "Actions")?)
            } else {
                None
            },
        })
    }
}

pub fn modify_rule<'s>(
    s: &'s mut Scope<'_>,
    input: ModifyRuleInput,
) -> Result<RulesOutput<'s>, AwsError> {
    let rule = s.state.elbv2.rule(&input.arn).ok_or_else(rule_not_found)?;
    if rule.is_default() && input.conditions.is_some() {
        return Err(err(
            "OperationNotPermitted",
            "The conditions of a default rule cannot be modified",
        ));
    }
    let lb_arn = s
        .state
        .elbv2
        .listener(&rule.listener_arn)
        .ok_or_else(listener_not_found)?
        .lb_arn
        .clone();
    if let Some(a) = &input.actions {
        check_targets(&s.state.elbv2, &lb_arn, a)?;
    }
    core_l::modify_rule(s, &input.arn, input.conditions, input.actions);
    Ok(one_rule(&s.state.elbv2, &input.arn))
}

pub struct RuleArnInput {
    arn: String,
}

impl FromQuery for RuleArnInput {
    fn from_query(q: &QueryView<'_>) -> Result<Self, AwsError> {
        Ok(RuleArnInput {
            arn: q.req_str("RuleArn")?.to_owned(),
        })
    }
}

pub fn delete_rule(s: &mut Scope<'_>, input: RuleArnInput) -> Result<Empty, AwsError> {
    let rule = s.state.elbv2.rule(&input.arn).ok_or_else(rule_not_found)?;
    if rule.is_default() {
        return Err(err(
            "OperationNotPermitted",
            "A default rule cannot be deleted",
        ));
    }
    core_l::delete_rule(s, &input.arn);
    Ok(Empty)
}

pub struct SetRulePrioritiesInput {
    priorities: Vec<(String, i32)>,
}

impl FromQuery for SetRulePrioritiesInput {
    fn from_query(q: &QueryView<'_>) -> Result<Self, AwsError> {
        let items = q
            .struct_list("RulePriorities")
            .filter(|v| !v.is_empty())
            .ok_or_else(|| cutover_wire::query::missing(&q.path("RulePriorities")))?;
        let priorities = items
            .iter()
            .map(|p| Ok((p.req_str("RuleArn")?.to_owned(), priority(p, "Priority")?)))
            .collect::<Result<_, AwsError>>()?;
        Ok(SetRulePrioritiesInput { priorities })
    }
}

pub fn set_rule_priorities<'s>(
    s: &'s mut Scope<'_>,
    input: SetRulePrioritiesInput,
) -> Result<RulesOutput<'s>, AwsError> {
    let st = &s.state.elbv2;
    for (i, (arn, p)) in input.priorities.iter().enumerate() {
        let rule = st.rule(arn).ok_or_else(rule_not_found)?;
        if rule.is_default() {
            return Err(err(
                "OperationNotPermitted",
                "The priority of a default rule cannot be changed",
            ));
        }
        if input.priorities[..i]
            .iter()
            .any(|(a, q)| a == arn || q == p)
        {
            return Err(err(
                "PriorityInUse",
                format!("Priority '{p}' is specified more than once"),
            ));
        }
        // Taken by a rule of the same listener that is not being moved in this call.
        let taken = st.rules_of(&rule.listener_arn).iter().any(|r| {
            r.priority == Some(*p)
                && r.arn != *arn
                && !input.priorities.iter().any(|(a, _)| a == &r.arn)
        });
        if taken {
            return Err(err(
                "PriorityInUse",
                format!("Priority '{p}' is currently in use"),
            ));
        }
    }
    for (arn, p) in &input.priorities {
        core_l::set_priority(s, arn, *p);
    }
    let st = &s.state.elbv2;
    let rules = input
        .priorities
        .iter()
        .filter_map(|(a, _)| st.rule(a))
        .collect();
    Ok(RulesOutput {
        st,
        rules,
        next_marker: None,
    })
}
