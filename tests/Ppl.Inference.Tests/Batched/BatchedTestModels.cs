using Ppl.Inference.Batched;
using TorchSharp;
using static TorchSharp.torch;
using TNormal = Ppl.Distributions.Tensors.Normal;

namespace Ppl.Inference.Tests.Batched;

/// <summary>Batched versions of the test models, with the exact answers of their scalar twins.</summary>
internal static class BatchedTestModels
{
    static BatchedTestModels() => torch.set_num_threads(1);

    /// <summary>Call before using TorchSharp in a test (sets one intra-op thread).</summary>
    public static void Init() => torch.set_num_threads(1);

    /// <summary>mu ~ N(0, 1); y_i ~ N(mu, 1): the batched twin of <see cref="ConjugateNormal"/>.</summary>
    public static readonly BatchedModel<int, Tensor> NormalNormal = BatchedModel.Create<int, Tensor>("normal-normal", (t, n) =>
    {
        var mu = t.Sample("mu", new TNormal(t.Scalar(0), t.Scalar(1)));
        for (var i = 0; i < n; i++) t.Sample(new Address("y", i), new TNormal(mu, t.Scalar(1)));
        return mu;
    });

    public static BatchedChoices NormalNormalObservations(Device? device = null, ScalarType dtype = ScalarType.Float64) =>
        BatchedChoices.FromChoiceMap(ConjugateNormal.Observations, device, dtype);

    /// <summary>The batched twin of <see cref="Smc.SmcModels.Lgssm"/> (a = 0.9, unit transition noise, observation sd 0.5).</summary>
    public static BatchedStateSpaceModel Lgssm(double a = 0.9) => new("lgssm",
        t => t.Sample("x", new TNormal(t.Scalar(0), t.Scalar(1))),
        (t, _, prev) =>
        {
            var x = t.Sample("x", new TNormal(prev.Times(a), t.Scalar(1)));
            t.Sample("y", new TNormal(x, t.Scalar(0.5)));
            return x;
        });

    public static List<BatchedChoices> LgssmObservations(double[] ys, Device? device = null) =>
        ys.Select(y => new BatchedChoices().Set("y", y, device)).ToList();
}
