using Ppl.Distributions;
using Ppl.Modeling;
using static TorchSharp.torch;

namespace Ppl.Inference.Variational;

/// <summary>
/// Runs a <c>[Model]</c> method's generated body under variational inference: each effect goes to a
/// <see cref="ViTracer"/> at the site's address (static slots resolved through the model's metadata), so a model
/// written once is a model, a guide or a marginal in any objective, as a dynamic model is.
/// </summary>
internal readonly struct ViHandler(ViTracer tracer, ModelMetadata metadata) : IModelHandler
{
    /// <inheritdoc />
    public T Sample<TD, T>(int slot, TD distribution) where TD : IDistribution<T> => tracer.Sample<T>(metadata.AddressOf(slot), distribution);

    /// <inheritdoc />
    public T SampleAt<TD, T>(Address address, TD distribution) where TD : IDistribution<T> => tracer.Sample<T>(address, distribution);

    /// <inheritdoc />
    public void Observe<TD, T>(int slot, TD distribution, T value) where TD : IDistribution<T> => tracer.Observe<T>(metadata.AddressOf(slot), distribution, value);

    /// <inheritdoc />
    public void ObserveAt<TD, T>(Address address, TD distribution, T value) where TD : IDistribution<T> => tracer.Observe<T>(address, distribution, value);

    /// <inheritdoc />
    public T SampleOnce<TD, T>(int family, string name, int index, TD distribution) where TD : IDistribution<T> =>
        tracer.Sample<T>(new Address(name, index), distribution);

    /// <inheritdoc />
    public void ObserveOnce<TD, T>(int family, string name, int index, TD distribution, T value) where TD : IDistribution<T> =>
        tracer.Observe<T>(new Address(name, index), distribution, value);

    /// <inheritdoc />
    public void Factor(double logWeight) => tracer.Factor(logWeight);

    /// <inheritdoc />
    public TRet Call<TArgs, TRet>(int slot, IGenerativeFunction<TArgs, TRet> function, TArgs args) => tracer.Call(metadata.AddressOf(slot), function, args);

    /// <inheritdoc />
    public TRet CallAt<TArgs, TRet>(Address address, IGenerativeFunction<TArgs, TRet> function, TArgs args) => tracer.Call(address, function, args);

    /// <inheritdoc />
    public Tensor Param(string name, Func<Tensor> init) => tracer.Param(name, init);
}
