"""Training the boilerplate line model: labels from the dev corpora, features, grouped cross-validation."""
