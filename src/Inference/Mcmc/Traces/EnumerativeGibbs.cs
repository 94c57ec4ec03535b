using Ppl.Distributions;

namespace Ppl.Inference.Mcmc;

/// <summary>
/// Gibbs sampling of one finite discrete choice by enumeration: every value v of its support is scored
/// with <c>Update</c> (weight log p(t[v]) − log p(t)), and v is drawn with probability proportional to
/// its weight. Exact when the choice's value does not change which other choices exist (otherwise the
/// fresh choices are drawn from the prior and the move is not a Gibbs step).
/// </summary>
/// <typeparam name="TArgs">The model's arguments.</typeparam>
/// <typeparam name="TRet">The model's return type.</typeparam>
/// <param name="Address">The discrete choice.</param>
public sealed record EnumerativeGibbs<TArgs, TRet>(Address Address) : IKernel<TraceState<TArgs, TRet>>
{
    /// <inheritdoc />
    public TraceState<TArgs, TRet> Step(TraceState<TArgs, TRet> state, Rng rng)
    {
        var t = state.Trace;
        var support = Support(t);
        var traces = new ITrace<TArgs, TRet>[support.Count];
        var logW = new double[support.Count];
        for (var k = 0; k < support.Count; k++)
        {
            var (nt, w, _) = t.GenerativeFunction.Update(t, t.Args, ChoiceMap.Empty.Set(Address, support[k]), rng);
            traces[k] = nt;
            logW[k] = w;
        }
        var max = logW.Max();
        if (double.IsNegativeInfinity(max)) throw new InferenceException($"Every value of '{Address}' has zero probability.", Address);
        var weights = logW.Select(w => Math.Exp(w - max)).ToArray();
        var pick = rng.DrawIndex(weights);
        var accepted = !Equals(support[pick], t.Choices.Get<object>(Address));
        return state with { Trace = traces[pick], Stats = new TransitionStats(1, double.NaN, 0, 0, false, double.NaN, accepted) };
    }

    private List<object> Support(ITrace<TArgs, TRet> t)
    {
        var d = SiteDistributions.Of(t, Address, "Gibbs");
        var iface = d.GetType().GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IFiniteDistribution<>))
            ?? throw new ArgumentException($"The choice at '{Address}' has distribution {d.Family}, whose support is not finite.");
        var size = (int)iface.GetProperty(nameof(IFiniteDistribution<int>.SupportSize))!.GetValue(d)!;
        var value = iface.GetMethod(nameof(IFiniteDistribution<int>.SupportValue))!;
        var list = new List<object>(size);
        for (var i = 0; i < size; i++) list.Add(value.Invoke(d, [i])!);
        return list;
    }
}
