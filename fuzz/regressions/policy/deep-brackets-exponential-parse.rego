# METADATA
# title: Nested literal
# custom:
#   id: FUZZ001
#   severity: low
package fuzz.deep
import rego.v1

x := [[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]

deny contains {"resource": "r", "message": "m"} if x
