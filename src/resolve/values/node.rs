//! A node opened for reading: its arguments and properties, with their spans and the component's
//! parameters substituted, taken one by one by the typed getters; what none took is reported.

use std::collections::BTreeMap;

use super::Val;
use super::params::Params;
use crate::diag::{Diagnostic, Diagnostics, codes, suggest_help};
use crate::source::{FileId, Span};
use crate::syntax::reader::{Node, Value, ValueRef};

/// A property of a node: its key (and the key's span) and its value.
#[derive(Clone, Debug)]
pub struct Prop {
    /// Property name.
    pub key: String,
    /// Span of the whole `key=value`.
    pub span: Span,
    /// The value.
    pub val: Val,
}

/// A node opened for reading, with the parameters of the component it belongs to.
#[derive(Clone, Copy)]
pub struct NodeView<'a> {
    /// The node.
    pub node: Node<'a>,
    /// The file it is in.
    pub file: FileId,
    /// Parameters in scope.
    pub params: &'a Params,
}

impl<'a> NodeView<'a> {
    /// The node's name.
    pub fn name(&self) -> &'a str {
        self.node.name()
    }

    /// Span of the node's name.
    pub fn name_span(&self) -> Span {
        Span::from_range(self.file, self.node.name_span())
    }

    /// Span of the whole node.
    pub fn span(&self) -> Span {
        Span::from_range(self.file, self.node.span())
    }

    /// The node's children, each with the same parameters.
    pub fn children(&self) -> impl Iterator<Item = NodeView<'a>> + 'a {
        let (file, params) = (self.file, self.params);
        self.node
            .children()
            .into_iter()
            .flatten()
            .map(move |node| NodeView { node, file, params })
    }

    /// Whether the node has a `{ … }` block.
    pub fn has_children(&self) -> bool {
        self.node.children().is_some()
    }

    /// Reads arguments and properties, substituting parameters. A property whose whole value is a
    /// parameter set to `#null` is dropped.
    pub fn read(&self, diags: &mut Diagnostics) -> Reading {
        let mut args = Vec::new();
        let mut props: Vec<Prop> = Vec::new();
        for entry in self.node.entries() {
            let span = Span::from_range(self.file, entry.span());
            // A property's value is labelled on the value alone, not on `key=value`.
            let value_span = match entry.name() {
                Some(_) => Span::from_range(self.file, entry.value_span()),
                None => span,
            };
            let val = match entry.value() {
                ValueRef::String(s) => self.params.substitute(s, value_span, diags),
                other => Val {
                    value: other.to_value(),
                    span: value_span,
                    raw: entry.raw().map(str::to_owned),
                },
            };
            match entry.name() {
                None => args.push(val),
                Some(key) => {
                    let from_null_param = matches!(val.value, Value::Null)
                        && matches!(entry.value(), ValueRef::String(_));
                    if from_null_param {
                        continue;
                    }
                    props.push(Prop {
                        key: key.to_owned(),
                        span,
                        val,
                    });
                }
            }
        }
        keep_last(&mut props);
        Reading {
            node_name: self.name().to_owned(),
            node_span: self.name_span(),
            args,
            props,
            used_args: 0,
        }
    }
}

/// KDL 2.0: the last of duplicate properties wins, in its place. Not quadratic in the number of
/// properties, so that one node with thousands of them (`env` with every variable) stays fast.
fn keep_last(props: &mut Vec<Prop>) {
    let duplicated = |i: usize| props[i + 1..].iter().any(|q| q.key == props[i].key);
    let keep: Vec<bool> = if props.len() <= 16 {
        if !(0..props.len()).any(duplicated) {
            return;
        }
        (0..props.len()).map(|i| !duplicated(i)).collect()
    } else {
        let mut last: BTreeMap<&str, usize> = BTreeMap::new();
        for (i, p) in props.iter().enumerate() {
            last.insert(&p.key, i);
        }
        if last.len() == props.len() {
            return;
        }
        (0..props.len())
            .map(|i| last.get(props[i].key.as_str()) == Some(&i))
            .collect()
    };
    let mut keep = keep.into_iter();
    props.retain(|_| keep.next().unwrap_or(true));
}

/// The arguments and properties of one node, consumed by typed getters.
#[derive(Debug)]
pub struct Reading {
    node_name: String,
    node_span: Span,
    /// Positional arguments.
    pub args: Vec<Val>,
    /// Properties, in order.
    pub props: Vec<Prop>,
    used_args: usize,
}

impl Reading {
    /// Names the node in messages by the form being read (`canary none` rather than `canary`).
    pub fn set_form(&mut self, form: String) {
        self.node_name = form;
    }

    /// Span of the node's name.
    pub fn node_span(&self) -> Span {
        self.node_span
    }

    /// Takes the next positional argument.
    pub fn next_arg(&mut self) -> Option<Val> {
        let val = self.args.get(self.used_args).cloned();
        if val.is_some() {
            self.used_args += 1;
        }
        val
    }

    /// Takes the next argument, reporting `missing-value` when there is none.
    pub fn require_arg(
        &mut self,
        what: &str,
        example: &str,
        diags: &mut Diagnostics,
    ) -> Option<Val> {
        let val = self.next_arg();
        if val.is_none() {
            diags.push(
                Diagnostic::error(
                    codes::MISSING_VALUE,
                    format!("`{}` needs {what}", self.node_name),
                )
                .label(self.node_span, format!("{what} missing"))
                .help(format!("write it as `{example}`")),
            );
        }
        val
    }

    /// Takes every remaining argument.
    pub fn rest_args(&mut self) -> Vec<Val> {
        let rest = self.args.get(self.used_args..).unwrap_or_default().to_vec();
        self.used_args = self.args.len();
        rest
    }

    /// Takes a property by key.
    pub fn prop(&mut self, key: &str) -> Option<Val> {
        let i = self.props.iter().position(|p| p.key == key)?;
        Some(self.props.remove(i).val)
    }

    /// Takes a property, reporting `missing-value` when it is absent.
    pub fn require_prop(
        &mut self,
        key: &str,
        example: &str,
        diags: &mut Diagnostics,
    ) -> Option<Val> {
        let val = self.prop(key);
        if val.is_none() {
            diags.push(
                Diagnostic::error(
                    codes::MISSING_VALUE,
                    format!("`{}` needs `{key}=`", self.node_name),
                )
                .label(self.node_span, format!("`{key}` missing"))
                .help(format!("write it as `{example}`")),
            );
        }
        val
    }

    /// Takes every remaining property.
    pub fn rest_props(&mut self) -> Vec<Prop> {
        std::mem::take(&mut self.props)
    }

    /// Reports every argument and property that no getter took. `known` lists the properties the
    /// node takes, for "did you mean".
    pub fn finish(self, known: &[&str], diags: &mut Diagnostics) {
        for prop in &self.props {
            let help = if known.is_empty() {
                format!("`{}` takes no properties", self.node_name)
            } else {
                let list = known
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                suggest_help(
                    &prop.key,
                    known.iter().copied(),
                    &format!("`{}` takes {list}", self.node_name),
                )
            };
            diags.push(
                Diagnostic::error(
                    codes::UNKNOWN_PROPERTY,
                    format!("`{}` has no property `{}`", self.node_name, prop.key),
                )
                .label(prop.span, "unknown property")
                .help(help),
            );
        }
        for extra in self.args.iter().skip(self.used_args) {
            diags.push(
                Diagnostic::error(
                    codes::UNEXPECTED_ARGUMENT,
                    format!("`{}` does not take this argument", self.node_name),
                )
                .label(extra.span, "unexpected")
                .help("remove it, or see the node's form in docs/language.md"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::values::display;

    #[test]
    fn the_last_of_duplicate_properties_wins_in_its_place() {
        let keys = |text: &str| -> Vec<(String, String)> {
            let doc = crate::syntax::reader::read(text).unwrap();
            let node = doc.nodes().next().unwrap();
            let params = Params::default();
            let view = NodeView {
                node,
                file: FileId(0),
                params: &params,
            };
            let mut diags = Diagnostics::new();
            view.read(&mut diags)
                .props
                .into_iter()
                .map(|p| (p.key, display(&p.val.value)))
                .collect()
        };
        let pairs = |list: &[(&str, &str)]| -> Vec<(String, String)> {
            list.iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect()
        };
        assert_eq!(
            keys("n a=1 b=2 a=3 c=4"),
            pairs(&[("b", "2"), ("a", "3"), ("c", "4")])
        );
        assert_eq!(keys("n a=1 b=2"), pairs(&[("a", "1"), ("b", "2")]));
        // Past the small case, the same through a map.
        let many: String = (0..40).map(|i| format!(" k{}={i}", i % 30)).collect();
        let got = keys(&format!("n{many}"));
        let want: Vec<(String, String)> = (10..40)
            .map(|i| (format!("k{}", i % 30), i.to_string()))
            .collect();
        assert_eq!(got, want);
    }
}
