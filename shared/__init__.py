"""The one utility scope every Lambda imports (handlers and controllers alike)."""
