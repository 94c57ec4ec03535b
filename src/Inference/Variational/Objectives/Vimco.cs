using static TorchSharp.torch;

namespace Ppl.Inference.Variational;

public static partial class Objectives
{
    /// <summary>
    /// VIMCO (Mnih and Rezende 2016): IWELBO_K whose REINFORCE sites get per-sample leave-one-out
    /// signals: sample k's score term is stop_grad(L − L₋ₖ)·∇log q(xₖ), where L₋ₖ replaces log wₖ by the
    /// mean of the other log weights. Written with <see cref="ViContext.CaptureScore"/> and
    /// <see cref="ViContext.ScoreTerm"/>; reparameterised sites keep their pathwise gradients.
    /// </summary>
    public static Expectation Vimco<TArgs, TRet>(IGenerativeFunction<TArgs, TRet> model, TArgs args, ISpDistribution guide, int k)
    {
        ArgumentNullException.ThrowIfNull(guide);
        if (k < 2) throw new ArgumentOutOfRangeException(nameof(k), k, "VIMCO needs K ≥ 2.");
        return Vi.E(vi =>
        {
            var logw = new Tensor[k];
            var scores = new Tensor[k];
            for (var i = 0; i < k; i++)
            {
                var j = i;
                scores[j] = vi.CaptureScore(() =>
                {
                    var (x, logq) = guide.RandomWeighted(vi);
                    logw[j] = vi.Density(model, args, x) - logq;
                });
            }
            var l = ViMath.LogMeanExp(logw);
            var stacked = stack(broadcast_tensors(logw), 0).detach();
            var result = l;
            for (var i = 0; i < k; i++)
            {
                var others = (stacked.sum(0) - stacked[i]).Over(k - 1);
                var loo = stacked.clone();
                loo[i] = others;
                var lMinus = loo.logsumexp(0).Minus(Math.Log(k));
                result = result.Plus(ViContext.ScoreTerm(l - lMinus, scores[i]));
            }
            return result;
        });
    }
}
