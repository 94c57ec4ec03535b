using static TorchSharp.torch;

namespace Ppl.Inference.Variational;

/// <summary>The optimiser a <see cref="Trainer"/> uses.</summary>
public enum OptimizerKind
{
    /// <summary>TorchSharp's Adam.</summary>
    Adam,

    /// <summary>Plain stochastic gradient ascent (TorchSharp's SGD without momentum).</summary>
    Sgd,
}

/// <summary>Settings of a <see cref="Trainer"/> run.</summary>
public sealed record TrainOptions
{
    /// <summary>Number of gradient steps.</summary>
    public int Steps { get; init; } = 1000;

    /// <summary>The learning rate.</summary>
    public double LearningRate { get; init; } = 1e-2;

    /// <summary>The optimiser.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;

    /// <summary>Vectorised particles per step; the step follows the mean of their gradients.</summary>
    public int Particles { get; init; } = 1;

    /// <summary>Write a checkpoint every this many steps (0: never); needs <see cref="CheckpointPath"/>.</summary>
    public int CheckpointEvery { get; init; }

    /// <summary>Where checkpoints go.</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>
    /// Where the objective's context creates tensors (its constants and the parameters a <c>Param</c> init creates): the
    /// CPU when null. Tensors the caller creates (an <see cref="AutoGuide{TArgs, TRet}"/>'s, a module's, data) are placed
    /// by the caller on the same device.
    /// </summary>
    public Device? Device { get; init; }

    /// <summary>The floating dtype of the tensors the objective's context creates (see <see cref="Device"/>).</summary>
    public ScalarType DType { get; init; } = ScalarType.Float64;

    /// <summary>Progress and cancellation.</summary>
    public RunOptions Run { get; init; } = RunOptions.Default;
}
