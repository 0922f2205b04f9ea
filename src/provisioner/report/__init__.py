"""Human reports: self-contained HTML (inline CSS and SVG) and Markdown (with mermaid)."""
