using Ppl.Distributions;
using static TorchSharp.torch;

namespace Ppl.Inference.Smc;

/// <summary>
/// Forwards a model's effects to the tracer running it and stops the run (by throwing
/// <see cref="PauseSignal"/>) right after the score of the k-th Observe/Factor, before any later choice
/// is drawn: the draws that follow a pause belong to the next step, so offspring of a resampled particle
/// draw them independently.
/// </summary>
internal sealed class PausingTracer(ITracer inner, int pauses) : ITracer
{
    public int ScorePoints { get; private set; }

    public T Sample<T>(Address address, IDistribution<T> distribution) => inner.Sample(address, distribution);

    public void Observe<T>(Address address, IDistribution<T> distribution, T value)
    {
        inner.Observe(address, distribution, value);
        Scored();
    }

    public void Factor(double logWeight)
    {
        inner.Factor(logWeight);
        Scored();
    }

    public TRet Call<TArgs, TRet>(Address address, IGenerativeFunction<TArgs, TRet> function, TArgs args) =>
        inner.Call(address, function, args);

    public Tensor Param(string name, Func<Tensor> init) => inner.Param(name, init);

    private void Scored()
    {
        if (++ScorePoints >= pauses) throw new PauseSignal();
    }
}

/// <summary>Unwinds a model run at a pause. Never escapes <see cref="PausingModel{TArgs, TRet}"/>.</summary>
internal sealed class PauseSignal : Exception
{
}
