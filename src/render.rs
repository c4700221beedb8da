//! Rendering: objects → YAML or JSON text, in a stable order and layout.
