#pragma once
// Small IDX image sets (MNIST format) written for the suites that train on images.

#include <QByteArray>
#include <QFile>
#include <QString>
#include <QtTest>

#include <functional>

namespace idxtest {

inline void putBigEndian(QByteArray& b, quint32 v)
{
    for (int shift = 24; shift >= 0; shift -= 8)
        b.append(char((v >> shift) & 0xff));
}

/// Writes `dir`/images.idx (n grey images of side x side, pixel(i, x, y) in 0..255) and
/// `dir`/labels.idx (label(i)).
inline void writeImages(const QString& dir, int n, int side, const std::function<int(int)>& label,
    const std::function<int(int, int, int)>& pixel)
{
    QByteArray images, labels;
    putBigEndian(images, 0x00000803);
    putBigEndian(images, quint32(n));
    putBigEndian(images, quint32(side));
    putBigEndian(images, quint32(side));
    putBigEndian(labels, 0x00000801);
    putBigEndian(labels, quint32(n));
    for (int i = 0; i < n; ++i) {
        labels.append(char(label(i)));
        for (int y = 0; y < side; ++y)
            for (int x = 0; x < side; ++x)
                images.append(char(pixel(i, x, y)));
    }
    QFile fi(dir + "/images.idx"), fl(dir + "/labels.idx");
    QVERIFY(fi.open(QIODevice::WriteOnly) && fl.open(QIODevice::WriteOnly));
    fi.write(images);
    fl.write(labels);
}

} // namespace idxtest
