// The English text of the "char_text" generator: an original story written for NetCanvas (no
// third-party text), about 3.7 KB, so a small LSTM learns its spelling in a minute.

#include "data/SequenceGenerators.h"

namespace engine {

const std::string& charTextCorpus()
{
    static const std::string text = R"(The Lamp on the Hill

At the edge of a quiet town there was a hill, and on the hill there stood an old lamp. Nobody in the town could say who had built it. The baker said it was older than the bridge, and the bridge was older than the school. Every evening, when the sun went down behind the river, the lamp began to glow, and every morning, when the first birds sang, it went dark again.

A girl named Mira lived in the last house before the hill. She liked to sit on the wooden fence and watch the lamp wake up. First it was a small yellow point, then a warm round light, and then it was so bright that the path to the top looked like a line of gold. Mira wanted to know how the lamp knew when to start. She asked her mother, and her mother said that the lamp was simply clever. She asked her teacher, and her teacher said that some questions are better than their answers.

So Mira decided to find out for herself. She took a notebook, a pencil and an apple, and she climbed the hill one afternoon. The grass was long and dry, and small brown crickets jumped away from her feet. At the top she found the lamp standing on a stone base. There was a little metal door in the base, and the door was not locked.

Inside the door there was no fire and no candle. There was a row of small wheels, a glass window that faced the west, and a long spring that turned very slowly. When the light in the window grew weak, a wheel moved, and the spring let go of one more turn. Mira watched for a long time. She wrote down what she saw, and she drew the wheels in her notebook. She ate the apple and kept the core in her pocket, because her grandfather had told her never to leave anything on the hill.

When the sun touched the river, the window went grey, the first wheel clicked, and the lamp above her began to glow. Mira laughed out loud. The lamp was not clever at all. It was patient. It had learned, one small step after another, to read the sky.

The next day Mira told the whole class about the wheels and the spring and the window. The teacher listened, and then she asked a new question: what would happen on a day with heavy clouds? Nobody knew. So after school the children climbed the hill together. The sky was dark and low, and rain began to fall. In the middle of the afternoon the window went grey, the wheel clicked, and the lamp began to shine, hours too early.

The children were surprised, but Mira was not worried. She opened her notebook and made a plan. If the lamp only looked at the light, it would always be fooled by the clouds. But if it could also count the hours, it could wait until the light and the clock agreed. The baker gave them an old kitchen timer, the farmer gave them a piece of wire, and the teacher gave them a whole week of afternoons.

It was not easy. The first timer was too loud, and the second one stopped when it rained. The wire was too short, and then it was too long. Mira learned that every part of a machine has to listen to every other part. On the last day of the week they closed the little door and walked down the hill to wait.

That evening there were heavy clouds again. The window went grey early, but the lamp stayed dark. The children held their breath. Then, when the timer reached the hour of sunset, the wheel clicked, and the lamp began to glow. The whole town came out to look at it. The baker brought bread, the farmer brought milk, and the teacher brought nothing but a very wide smile.

Years later, when Mira was grown and built machines of her own, people asked her where she had learned to make them. She always gave the same answer. She said that she had learned from a lamp on a hill, which did not know very much, but which looked at the world one moment after another, and remembered what it had seen.
)";
    return text;
}

} // namespace engine
