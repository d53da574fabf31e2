-- The stored Merkle tree keeps complete subtrees of 16, 256, 4,096, ... events (every fourth
-- height: governance/audit_tree.h), so that a proof reads sixteen hashes at each. A tree kept at
-- other heights is dropped here and made again, from the events, by the next checkpoint.
DELETE FROM audit_tree;
DELETE FROM audit_tree_state;
