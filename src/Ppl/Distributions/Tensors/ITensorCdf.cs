using static TorchSharp.torch;

namespace Ppl.Distributions.Tensors;

/// <summary>
/// A batch of univariate continuous distributions with a CDF in log form and its inverses, as <see cref="Truncated{D}"/>
/// needs them: the normaliser of a truncation far in a tail keeps its digits in log space, and draws come by inversion.
/// Points broadcast against the batch; ±∞ give the exact ends (log F(−∞) = −∞, log F(+∞) = 0) with finite gradients.
/// </summary>
public interface ITensorCdf
{
    /// <summary>log P(X ≤ x), accurate where P(X ≤ x) is tiny.</summary>
    Tensor LogCdf(Tensor x);

    /// <summary>log P(X &gt; x), the log survival function, accurate where it is tiny.</summary>
    Tensor LogCcdf(Tensor x);

    /// <summary>The x with P(X ≤ x) = <paramref name="p"/>.</summary>
    Tensor Icdf(Tensor p);

    /// <summary>The x with P(X &gt; x) = <paramref name="q"/> (the upper-tail quantile, accurate for small q).</summary>
    Tensor Iccdf(Tensor q);
}
