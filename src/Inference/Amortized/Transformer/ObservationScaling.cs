namespace Ppl.Inference.Amortized.Transformer;

/// <summary>An elementwise map applied to observations before their embedding networks.</summary>
public enum ObservationScaling
{
    /// <summary>Raw values.</summary>
    None,

    /// <summary>
    /// asinh(z): linear near 0 and logarithmic in |z|, so observations whose scale spans many orders of
    /// magnitude (draws with a variance from a heavy-tailed meta-prior) stay in the range an MLP handles.
    /// </summary>
    Asinh,
}
