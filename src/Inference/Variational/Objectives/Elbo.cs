using static TorchSharp.torch;

namespace Ppl.Inference.Variational;

/// <summary>The library objectives (papers.md §2.4), each a short program in the objective language; all are maximised.</summary>
public static partial class Objectives
{
    /// <summary>ELBO: E_{x~q}[log p(x, y) − log q̂(x)] (with an SP guide, log q̂ is its weight).</summary>
    public static Expectation Elbo<TArgs, TRet>(IGenerativeFunction<TArgs, TRet> model, TArgs args, ISpDistribution guide) =>
        Elbo(model, args, ChoiceMap.Empty, guide);

    /// <summary>
    /// ELBO of a model conditioned on <paramref name="observations"/> (values of its observed Sample sites, as importance
    /// sampling, SMC and MCMC take them): E_{x~q}[log p(x, y) − log q̂(x)] with y merged into the guide's choices.
    /// </summary>
    public static Expectation Elbo<TArgs, TRet>(IGenerativeFunction<TArgs, TRet> model, TArgs args, ChoiceMap observations, ISpDistribution guide)
    {
        ArgumentNullException.ThrowIfNull(guide);
        ArgumentNullException.ThrowIfNull(observations);
        return Vi.E(vi =>
        {
            var (x, logq) = guide.RandomWeighted(vi);
            return vi.Density(model, args, x.Merge(observations)) - logq;
        });
    }

    /// <summary>IWELBO_n of a model conditioned on <paramref name="observations"/> (values of observed Sample sites).</summary>
    public static Expectation Iwelbo<TArgs, TRet>(IGenerativeFunction<TArgs, TRet> model, TArgs args, ChoiceMap observations, ISpDistribution guide, int n)
    {
        ArgumentNullException.ThrowIfNull(guide);
        ArgumentNullException.ThrowIfNull(observations);
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, "n must be at least 1.");
        return Vi.E(vi =>
        {
            var logw = new List<Tensor>(n);
            for (var k = 0; k < n; k++)
            {
                var (x, logq) = guide.RandomWeighted(vi);
                logw.Add(vi.Density(model, args, x.Merge(observations)) - logq);
            }
            return ViMath.LogMeanExp(logw);
        });
    }

    /// <summary>IWELBO_n: E[log (1/n) Σₖ exp(log p(xₖ, y) − log q̂(xₖ))], xₖ ~ q i.i.d.</summary>
    public static Expectation Iwelbo<TArgs, TRet>(IGenerativeFunction<TArgs, TRet> model, TArgs args, ISpDistribution guide, int n) =>
        Iwelbo(model, args, ChoiceMap.Empty, guide, n);

    /// <summary>HVI: the ELBO of the marginal over <paramref name="selection"/> of an expressive guide, estimated with sir(1).</summary>
    public static Expectation Hvi<TArgs, TRet, TGArgs, TGRet>(IGenerativeFunction<TArgs, TRet> model, TArgs args,
        IGenerativeFunction<TGArgs, TGRet> guide, TGArgs guideArgs, Selection selection) =>
        Elbo(model, args, Vi.Marginal(guide, guideArgs, selection, 1));

    /// <summary>IWHVI_m: the ELBO of the marginal estimated with sir(m).</summary>
    public static Expectation Iwhvi<TArgs, TRet, TGArgs, TGRet>(IGenerativeFunction<TArgs, TRet> model, TArgs args,
        IGenerativeFunction<TGArgs, TGRet> guide, TGArgs guideArgs, Selection selection, int m) =>
        Elbo(model, args, Vi.Marginal(guide, guideArgs, selection, m));

    /// <summary>DIWHVI_{n,m}: IWELBO_n of the marginal estimated with sir(m).</summary>
    public static Expectation Diwhvi<TArgs, TRet, TGArgs, TGRet>(IGenerativeFunction<TArgs, TRet> model, TArgs args,
        IGenerativeFunction<TGArgs, TGRet> guide, TGArgs guideArgs, Selection selection, int n, int m) =>
        Iwelbo(model, args, Vi.Marginal(guide, guideArgs, selection, m), n);
}
