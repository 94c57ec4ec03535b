using Ppl.Inference.Amortized.Training;
using Ppl.Inference.Amortized.Transformer;
using static TorchSharp.torch;

namespace Ppl.Inference.Tests.Amortized;

/// <summary>A tiny transformer trained once (a few seconds) on the 1-D GMM meta-model and shared by the tests that need a trained network.</summary>
public sealed class TinyGmmDt
{
    public static readonly DtConfig Config = new()
    {
        StateDimension = 1, ModelDimension = 16, Heads = 2, Layers = 2, FeedForward = 64, EmbeddingHidden = 32,
    };

    public TinyGmmDt()
    {
        set_num_threads(1);
        Model = new DistributionTransformer(Config, seed: 1);
        Result = DtTrainer.Train(Model, MetaModels.Gmm1D(), new DtTrainingOptions { Steps = 600, BatchSize = 128, LearningRate = 3e-3, WarmupSteps = 30 }, new Rng(11));
    }

    public DistributionTransformer Model { get; }

    public DtTrainingResult Result { get; }
}
