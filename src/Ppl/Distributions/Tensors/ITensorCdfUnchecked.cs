using static TorchSharp.torch;

namespace Ppl.Distributions.Tensors;

/// <summary>
/// <see cref="ITensorCdf"/> without the parameter check, for <see cref="Truncated{D}"/>, which has checked its base
/// once already: each check reads a reduction back from the device, and a truncation evaluates the CDF four to six times
/// per log density. Points are converted to the family's dtype and device.
/// </summary>
internal interface ITensorCdfUnchecked
{
    /// <summary><see cref="ITensorCdf.LogCdf"/> without the check.</summary>
    Tensor LogCdfUnchecked(Tensor x);

    /// <summary><see cref="ITensorCdf.LogCcdf"/> without the check.</summary>
    Tensor LogCcdfUnchecked(Tensor x);

    /// <summary><see cref="ITensorCdf.Icdf"/> without the check.</summary>
    Tensor IcdfUnchecked(Tensor p);

    /// <summary><see cref="ITensorCdf.Iccdf"/> without the check.</summary>
    Tensor IccdfUnchecked(Tensor q);
}
