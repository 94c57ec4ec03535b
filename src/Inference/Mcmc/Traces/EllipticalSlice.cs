using Ppl.Distributions;

namespace Ppl.Inference.Mcmc;

/// <summary>
/// Elliptical slice sampling (Murray, Adams and MacKay 2010) of choices with Normal priors: with f the
/// selected values, centred at their prior means, and ν a fresh draw from the prior, the proposals
/// f cos θ + ν sin θ lie on an ellipse through f; θ is shrunk towards 0 until the likelihood (the trace's
/// score minus the selected choices' prior log densities) is above a slice level. No tuning, always
/// moves. The selected choices must be Normal given the others, and their means and scales must not
/// depend on one another.
/// </summary>
/// <typeparam name="TArgs">The model's arguments.</typeparam>
/// <typeparam name="TRet">The model's return type.</typeparam>
/// <param name="Addresses">The Normal choices to move jointly.</param>
public sealed record EllipticalSlice<TArgs, TRet>(IReadOnlyList<Address> Addresses) : IKernel<TraceState<TArgs, TRet>>
{
    /// <inheritdoc />
    public TraceState<TArgs, TRet> Step(TraceState<TArgs, TRet> state, Rng rng)
    {
        var t = state.Trace;
        var n = Addresses.Count;
        var priors = Priors(t);
        var f = new double[n];
        var nu = new double[n];
        for (var i = 0; i < n; i++)
        {
            f[i] = t.Choices.Get<double>(Addresses[i]) - priors[i].Mu;
            nu[i] = priors[i].Sigma * rng.NextGaussian();
        }
        var logY = LogLikelihood(t) + Math.Log(rng.NextOpenDouble());
        var theta = 2 * Math.PI * rng.NextDouble();
        var (lo, hi) = (theta - 2 * Math.PI, theta);
        for (var iter = 0; iter < 10_000; iter++)
        {
            var c = ChoiceMap.Empty;
            var (cos, sin) = (Math.Cos(theta), Math.Sin(theta));
            for (var i = 0; i < n; i++) c = c.Set(Addresses[i], priors[i].Mu + f[i] * cos + nu[i] * sin);
            var proposed = t.GenerativeFunction.Update(t, t.Args, c, rng).Trace;
            if (LogLikelihood(proposed) > logY)
                return state with { Trace = proposed, Stats = new TransitionStats(1, double.NaN, 0, iter + 1, false, double.NaN, true) };
            if (theta < 0) lo = theta;
            else hi = theta;
            theta = lo + (hi - lo) * rng.NextDouble();
        }
        throw new InferenceException("Elliptical slice sampling did not find a point on the slice in 10000 shrinkages.");
    }

    private double LogLikelihood(ITrace<TArgs, TRet> t)
    {
        var priors = Priors(t);
        var l = t.Score;
        for (var i = 0; i < Addresses.Count; i++) l -= priors[i].LogDensity(t.Choices.Get<double>(Addresses[i]));
        return l;
    }

    private Normal[] Priors(ITrace<TArgs, TRet> t)
    {
        var result = new Normal[Addresses.Count];
        for (var i = 0; i < result.Length; i++)
        {
            var d = SiteDistributions.Of(t, Addresses[i], "Elliptical slice sampling");
            result[i] = d is Normal nd ? nd : throw new ArgumentException($"Elliptical slice sampling needs a Normal prior at '{Addresses[i]}'; it has {d.Family}.");
        }
        return result;
    }
}
