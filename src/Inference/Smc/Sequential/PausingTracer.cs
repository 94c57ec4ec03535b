using Ppl.Distributions;
using static TorchSharp.torch;

namespace Ppl.Inference.Smc;

/// <summary>
/// Forwards a model's effects to the tracer running it and stops the run (by throwing
/// <see cref="PauseSignal"/>) right after the score of the k-th observation (an Observe, a Factor, or a Sample at an
/// address given in the observations), before any later choice is drawn: the draws that follow a pause belong to the
/// next step, so offspring of a resampled particle draw them independently. A Sample at an observed address is an
/// Observe of the given value, so how a model is conditioned (Observe in its code or values given from outside) does
/// not change SMC's intermediate targets.
/// </summary>
internal sealed class PausingTracer(ITracer inner, int pauses, ChoiceMap observations) : ITracer
{
    public int ScorePoints { get; private set; }

    /// <summary>How many of the given observations the run has visited so far.</summary>
    public int ObservationsVisited { get; private set; }

    /// <summary>Every address the run visited (for the suggestion when an observation was never visited).</summary>
    public List<Address> Visited { get; } = new();

    public T Sample<T>(Address address, IDistribution<T> distribution)
    {
        Visited.Add(address);
        if (observations.IsEmpty || !observations.Contains(address)) return inner.Sample(address, distribution);
        var value = observations.Get<T>(address);
        ObservationsVisited++;
        inner.Observe(address, distribution, value);
        Scored();
        return value;
    }

    public void Observe<T>(Address address, IDistribution<T> distribution, T value)
    {
        Visited.Add(address);
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
